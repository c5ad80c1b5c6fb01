/// A horizontal progress bar with eighth-cell resolution and a label on its right:
/// `██████▍···  57%` (ASCII: `######...  57%`). With `fraction == nil` it shows a spinner and the
/// label only, for work whose length is unknown.
public struct ProgressBar: Widget, Hashable, Sendable {
  public var fraction: Double?
  /// Text after the bar; `nil` shows the percentage.
  public var label: String?
  /// Animation frame for the indeterminate form.
  public var tick: Int

  public init(fraction: Double?, label: String? = nil, tick: Int = 0) {
    self.fraction = fraction
    self.label = label
    self.tick = tick
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let row = rect.row(0)
    guard !row.isEmpty else { return }
    let glyphs = context.glyphs
    guard let fraction, fraction.isFinite else {
      Spinner(tick: tick, label: label ?? "").render(in: row, on: &canvas, context: context)
      return
    }
    let f = Swift.min(Swift.max(fraction, 0), 1)
    let text = label ?? NumberFormat.percent(f)
    let labelWidth = Swift.min(text.terminalWidth, Swift.max(0, row.width - 3))
    let barWidth = labelWidth > 0 ? row.width - labelWidth - 1 : row.width
    let eighths = Int((f * Double(barWidth * 8)).rounded(.down))
    let style = context.theme.chart
    for i in 0..<barWidth {
      let filled = eighths - 8 * i
      let point = Point(x: row.x + i, y: row.y)
      if filled >= 8 {
        canvas.put(glyphs.fullBlock, at: point, style: style, clip: row)
      } else if filled > 0, !glyphs.horizontalEighths.isEmpty {
        canvas.put(glyphs.horizontalEighths[filled - 1], at: point, style: style, clip: row)
      } else {
        canvas.put(glyphs.barTrack, at: point, style: context.theme.secondary, clip: row)
      }
    }
    if labelWidth > 0 {
      canvas.draw(
        text, in: row.right(labelWidth), alignment: .trailing, style: context.theme.value, ellipsis: glyphs.ellipsis)
    }
  }
}
