#!/usr/bin/env python3
"""Render a tmux pane, with its colours, to a PNG, as the terminal shows it.
usage: Scripts/tmux-shot.py SESSION OUT.png     (needs pillow and pyte: pip install pillow pyte)

Derived from /work/shared/tools/tmux-shot.py, with two fixes for the explorer's screens: the
captured lines are fed without a final newline (which scrolled the top row away), and braille
cells (the spectrum chart) and block elements are drawn as shapes, not as font glyphs (which
DejaVu Sans Mono lacks for braille). Half blocks are two coloured halves, as in a terminal."""
import subprocess, sys
import pyte
from PIL import Image, ImageDraw, ImageFont

session, out = sys.argv[1], sys.argv[2]
size = subprocess.run(["tmux", "display", "-p", "-t", session, "#{pane_width} #{pane_height}"],
                      capture_output=True, text=True, check=True).stdout.split()
cols, rows = int(size[0]), int(size[1])
ansi = subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True, check=True).stdout
screen = pyte.Screen(cols, rows)
stream = pyte.Stream(screen)
stream.feed("\r\n".join(ansi.split("\n")[:rows]))

CW, CH = 9, 18
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 14)
img = Image.new("RGB", (cols * CW, rows * CH), (0, 0, 0))
d = ImageDraw.Draw(img)
BASE = ["000000", "cd0000", "00cd00", "cdcd00", "0000ee", "cd00cd", "00cdcd", "e5e5e5",
        "7f7f7f", "ff0000", "00ff00", "ffff00", "5c5cff", "ff00ff", "00ffff", "ffffff"]
NAMES = {"black": 0, "red": 1, "green": 2, "brown": 3, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7}
# Braille dot k (bit k of the code point's offset) sits at (column, row) of a 2×4 grid.
BRAILLE = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]

def hexrgb(h): return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))

def rgb(c, default):
    if c == "default": return default
    if c in NAMES: return hexrgb(BASE[NAMES[c]])
    if c.startswith("bright") and c[6:] in NAMES: return hexrgb(BASE[NAMES[c[6:]] + 8])
    try: return hexrgb(c)
    except ValueError: return default

for y in range(rows):
    line = screen.buffer[y]
    for x in range(cols):
        ch = line[x]
        fg, bg = rgb(ch.fg, (220, 220, 220)), rgb(ch.bg, (0, 0, 0))
        if ch.reverse: fg, bg = bg, fg
        x0, y0 = x * CW, y * CH
        d.rectangle([x0, y0, x0 + CW - 1, y0 + CH - 1], fill=bg)
        c = ch.data
        code = ord(c[0]) if c else 32
        if c == "▀": d.rectangle([x0, y0, x0 + CW - 1, y0 + CH // 2 - 1], fill=fg)
        elif c == "▄": d.rectangle([x0, y0 + CH // 2, x0 + CW - 1, y0 + CH - 1], fill=fg)
        elif 0x2581 <= code <= 0x2588:  # ▁ … █: the lower k eighths
            h = CH * (code - 0x2580) // 8
            d.rectangle([x0, y0 + CH - h, x0 + CW - 1, y0 + CH - 1], fill=fg)
        elif 0x2800 < code <= 0x28FF:
            bits = code - 0x2800
            for k, (bx, by) in enumerate(BRAILLE):
                if bits >> k & 1:
                    cx, cy = x0 + 2 + bx * 4, y0 + 2 + by * 4
                    d.rectangle([cx, cy, cx + 2, cy + 2], fill=fg)
        elif c.strip(): d.text((x0, y0 + 1), c, font=font, fill=fg)
img.save(out)
print(out)
