/// The xterm 256-colour palette and exact nearest-colour matching into it.
public enum XTerm256 {
  /// Channel values of the 6×6×6 cube (indices 16–231).
  public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

  /// The xterm defaults for the sixteen ANSI colours. Only an estimate: users theme these, which is
  /// why data is never matched against them.
  public static let ansiDefaults: [RGB] = [
    RGB(hex: 0x000000), RGB(hex: 0xCD0000), RGB(hex: 0x00CD00), RGB(hex: 0xCDCD00),
    RGB(hex: 0x0000EE), RGB(hex: 0xCD00CD), RGB(hex: 0x00CDCD), RGB(hex: 0xE5E5E5),
    RGB(hex: 0x7F7F7F), RGB(hex: 0xFF0000), RGB(hex: 0x00FF00), RGB(hex: 0xFFFF00),
    RGB(hex: 0x5C5CFF), RGB(hex: 0xFF00FF), RGB(hex: 0x00FFFF), RGB(hex: 0xFFFFFF),
  ]

  /// The colour a palette index shows (for 0–15, the xterm default).
  public static func rgb(of index: UInt8) -> RGB {
    let i = Int(index)
    switch i {
    case 0..<16:
      return ansiDefaults[i]
    case 16..<232:
      let c = i - 16
      return RGB(UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[(c / 6) % 6]), UInt8(cubeLevels[c % 6]))
    default:
      let v = UInt8(8 + 10 * (i - 232))
      return RGB(v, v, v)
    }
  }

  /// Nearest cube level index for one channel (the level grid is separable, so rounding each
  /// channel gives the nearest cube colour).
  private static func cubeIndex(_ v: Int) -> Int { v < 48 ? 0 : (v < 115 ? 1 : (v - 35) / 40) }

  /// The palette index in 16–255 nearest to `c` in Euclidean RGB: the nearest cube colour or the
  /// nearest grey (found by rounding the channel mean), whichever is closer — tmux's
  /// `colour_find_rgb` rule, checked to be exactly optimal on all 2²⁴ colours.
  public static func nearest(_ c: RGB) -> UInt8 {
    let r = Int(c.r)
    let g = Int(c.g)
    let b = Int(c.b)
    let qr = cubeIndex(r)
    let qg = cubeIndex(g)
    let qb = cubeIndex(b)
    let cr = cubeLevels[qr]
    let cg = cubeLevels[qg]
    let cb = cubeLevels[qb]
    let cube = 16 + 36 * qr + 6 * qg + qb
    if cr == r && cg == g && cb == b { return UInt8(cube) }
    let average = (r + g + b) / 3
    let k = average > 238 ? 23 : Swift.max(0, (average - 3) / 10)
    let grey = 8 + 10 * k
    func d2(_ x: Int, _ y: Int, _ z: Int) -> Int { (x - r) * (x - r) + (y - g) * (y - g) + (z - b) * (z - b) }
    return d2(grey, grey, grey) < d2(cr, cg, cb) ? UInt8(232 + k) : UInt8(cube)
  }

  /// The nearest of the first `count` (8 or 16) ANSI colours by their xterm defaults; used only to
  /// degrade chrome colours on 8/16-colour terminals, never for data.
  public static func nearestANSI(_ c: RGB, count: Int) -> UInt8 {
    var best = 0
    var bestDistance = Int.max
    for i in 0..<Swift.min(count, 16) {
      let p = ansiDefaults[i]
      let dr = Int(p.r) - Int(c.r)
      let dg = Int(p.g) - Int(c.g)
      let db = Int(p.b) - Int(c.b)
      let d = dr * dr + dg * dg + db * db
      if d < bestDistance { (best, bestDistance) = (i, d) }
    }
    return UInt8(best)
  }
}

extension TerminalColor {
  /// This colour expressed so that a terminal in `mode` shows it: RGB is quantised to the 256-colour
  /// palette (or to ANSI on 8/16-colour terminals), palette indices the terminal lacks are mapped
  /// down, and in direct mode indices ≥ 8 become RGB (direct terminals read numbers ≥ 8 as RGB).
  public func resolved(for mode: ColorMode) -> TerminalColor {
    switch (self, mode) {
    case (.default, _), (_, .none):
      return .default
    case (.palette(let i), .ansi8):
      return i < 8 ? self : i < 16 ? .palette(i - 8) : .palette(XTerm256.nearestANSI(XTerm256.rgb(of: i), count: 8))
    case (.palette(let i), .ansi16):
      return i < 16 ? self : .palette(XTerm256.nearestANSI(XTerm256.rgb(of: i), count: 16))
    case (.palette, .xterm256):
      return self
    case (.palette(let i), .direct):
      return i < 8 ? self : .rgb(XTerm256.rgb(of: i))
    case (.rgb(let c), .ansi8):
      return .palette(XTerm256.nearestANSI(c, count: 8))
    case (.rgb(let c), .ansi16):
      return .palette(XTerm256.nearestANSI(c, count: 16))
    case (.rgb(let c), .xterm256):
      return .palette(XTerm256.nearest(c))
    case (.rgb, .direct):
      return self
    }
  }
}
