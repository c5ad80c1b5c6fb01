import Testing

@testable import Explorer

@Suite struct CanvasTests {
  @Test func textIsClippedToTheCanvasAndTheClipRect() {
    var c = Canvas(size: Size(width: 10, height: 3))
    c.draw("hello world", at: Point(x: 6, y: 0))
    c.draw("abcdef", at: Point(x: -3, y: 1))
    c.draw("xxxxxxxx", at: Point(x: 0, y: 2), clip: Rect(x: 2, y: 2, width: 3, height: 5))
    c.draw("never", at: Point(x: 0, y: 3))
    c.draw("never", at: Point(x: 0, y: -1))
    #expect(c.textLines == ["      hell", "def       ", "  xxx     "])
  }

  @Test func writesOutsideAreIgnored() {
    var c = Canvas(size: Size(width: 2, height: 2))
    c.put("x", at: Point(x: 2, y: 0), style: .plain)
    c.put("x", at: Point(x: -1, y: 1), style: .plain)
    c[5, 5] = Cell("y")
    c.fill(Rect(x: -10, y: -10, width: 11, height: 11), with: Cell("#"))
    #expect(c.text == "# \n  ")
    #expect(c[9, 9] == .blank)
  }

  @Test func wideControlAndCombiningInputNeverShiftsColumns() {
    var c = Canvas(size: Size(width: 12, height: 1))
    // CJK (wide), combining acute (dropped), emoji (wide), tab and bell (control), then a marker.
    let end = c.draw("日本e\u{301}😀\t\u{7}|", at: .zero)
    #expect(c.textLines == ["??e???|     "])
    #expect(end == 7)
    #expect("日本e\u{301}😀\t\u{7}|".terminalWidth == 7)
  }

  @Test func putSubstitutesScalarsThatAreNotOneColumn() {
    var c = Canvas(size: Size(width: 3, height: 1))
    c.put("中", at: .zero, style: .plain)
    c.put("\u{301}", at: Point(x: 1, y: 0), style: .plain)
    c.put("λ", at: Point(x: 2, y: 0), style: .plain)
    #expect(c.text == "??λ")
  }

  @Test func columnWidthsOfCommonGlyphs() {
    for s in "─│╭▀▁█⠿λσδ‖×·…→▲".unicodeScalars { #expect(s.terminalColumnWidth == 1, "\(s)") }
    for s in "日한ｱ😀".unicodeScalars where s != "ｱ" { #expect(s.terminalColumnWidth == 2, "\(s)") }
    #expect(Unicode.Scalar(0x301)!.terminalColumnWidth == 0)
    #expect(Unicode.Scalar(0x200B)!.terminalColumnWidth == 0)
    #expect(Unicode.Scalar(0x1B)!.terminalColumnWidth == nil)
  }

  @Test func truncationAndPadding() {
    #expect("convnet5".truncated(toWidth: 5) == "conv…")
    #expect("convnet5".truncated(toWidth: 8) == "convnet5")
    #expect("convnet5".truncated(toWidth: 5, ellipsis: "~") == "conv~")
    #expect("convnet5".truncated(toWidth: 0) == "")
    #expect("ab".truncated(toWidth: 1) == "…")
    #expect("ab".padded(toWidth: 5, alignment: .trailing) == "   ab")
    #expect("ab".padded(toWidth: 5, alignment: .center) == " ab  ")
    #expect("日本".truncated(toWidth: 5) == "??")
  }

  @Test func alignedTextInARect() {
    var c = Canvas(size: Size(width: 9, height: 3))
    let r = c.bounds
    c.draw("left", in: r, row: 0)
    c.draw("mid", in: r, row: 1, alignment: .center)
    c.draw("right-long-text", in: r, row: 2, alignment: .trailing)
    #expect(c.textLines == ["left     ", "   mid   ", "right-lo…"])
  }

  @Test func framesWithLabelsAndTinyRects() {
    var c = Canvas(size: Size(width: 20, height: 4))
    let inner = c.drawFrame(
      Rect(x: 0, y: 0, width: 20, height: 4), glyphs: .light, style: .plain,
      labels: FrameLabels(title: [TextSpan("Original")], topRight: [TextSpan("×2")], bottomRight: [TextSpan("28×28")]))
    #expect(inner == Rect(x: 1, y: 1, width: 18, height: 2))
    #expect(
      c.textLines == ["┌─ Original ── ×2 ─┐", "│                  │", "│                  │", "└────────── 28×28 ─┘"])

    var small = Canvas(size: Size(width: 8, height: 2))
    small.drawFrame(
      Rect(x: 0, y: 0, width: 8, height: 2), glyphs: .ascii, style: .plain,
      labels: FrameLabels(title: [TextSpan("Reconstruction")], topRight: [TextSpan("×2")]))
    #expect(small.textLines == ["+- R… -+", "+------+"])

    var tiny = Canvas(size: Size(width: 3, height: 3))
    tiny.drawFrame(
      Rect(x: 1, y: 1, width: 1, height: 5), glyphs: .light, style: .plain, labels: FrameLabels(title: [TextSpan("x")]))
    tiny.drawFrame(Rect(x: 0, y: 0, width: 0, height: 0), glyphs: .light, style: .plain)
    #expect(tiny.text == "   \n   \n   ")
  }

  @Test func snapshotEncodesStylesWithALegend() {
    var c = Canvas(size: Size(width: 4, height: 2))
    c.draw("ab", at: .zero, style: CellStyle(foreground: .palette(196), attributes: .bold))
    c.put("▀", at: Point(x: 3, y: 1), style: CellStyle(foreground: .rgb(RGB(hex: 0xFF3300)), background: .default))
    #expect(
      c.snapshot() == """
        size 4×2
        --- text
        ab  
           ▀
        --- styles
        aa..
        ...b
        --- legend
        a fg:196 bg:- bold
        b fg:#ff3300 bg:-

        """)
  }

  @Test func restyleAndPaste() {
    var c = Canvas(size: Size(width: 4, height: 1))
    c.draw("abcd", at: .zero)
    c.restyle(Rect(x: 1, y: 0, width: 10, height: 1)) { $0.attributes.insert(.reverse) }
    #expect(c[0, 0].style == .plain)
    #expect(c[3, 0].style.attributes == .reverse)
    var big = Canvas(size: Size(width: 6, height: 2))
    big.paste(c, at: Point(x: 3, y: 1))
    #expect(big.textLines == ["      ", "   abc"])
  }
}
