/// "Terminal too small: have W×H, need w×h", centred, instead of a broken layout (btop, lazygit).
/// The dimension that is short is highlighted.
public struct TerminalTooSmallView: Widget, Hashable, Sendable {
  public var have: Size
  public var need: Size
  /// The last line, telling the user what they can do.
  public var advice: String

  public init(have: Size, need: Size, advice: String = "enlarge the window, or press q to quit") {
    self.have = have
    self.need = need
    self.advice = advice
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let theme = context.theme
    let t = context.glyphs.times
    let widthShort = have.width < need.width
    let heightShort = have.height < need.height
    let sizeLine: [TextSpan] = [
      TextSpan("have ", style: theme.text),
      TextSpan("\(have.width)", style: widthShort ? theme.warning : theme.text),
      TextSpan(t, style: theme.text),
      TextSpan("\(have.height)", style: heightShort ? theme.warning : theme.text),
      TextSpan(", need \(need.width)\(t)\(need.height)", style: theme.text),
    ]
    let lines: [[TextSpan]] = [
      [TextSpan("Terminal too small", style: theme.heading)],
      sizeLine,
      [TextSpan(advice, style: theme.secondary)],
    ]
    let shown = Array(lines.prefix(rect.height))
    let top = rect.y + (rect.height - shown.count) / 2
    for (i, line) in shown.enumerated() {
      let row = Rect(x: rect.x, y: top + i, width: rect.width, height: 1)
      let w = line.width
      if w <= row.width {
        canvas.draw(line, at: Point(x: row.x + (row.width - w) / 2, y: row.y), clip: row)
      } else {
        canvas.drawTruncated(line, at: row.origin, width: row.width, clip: row, ellipsis: context.glyphs.ellipsis)
      }
    }
  }
}
