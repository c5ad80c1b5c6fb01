/// A busy indicator: one spinner glyph (advanced by the caller's tick) and a label.
public struct Spinner: Widget, Hashable, Sendable {
  public var tick: Int
  public var label: String

  public init(tick: Int, label: String = "") {
    self.tick = tick
    self.label = label
  }

  /// The spinner glyph for `tick`.
  public static func frame(tick: Int, glyphs: GlyphSet) -> Unicode.Scalar {
    let frames = glyphs.spinner
    return frames[((tick % frames.count) + frames.count) % frames.count]
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let row = rect.row(0)
    guard !row.isEmpty else { return }
    canvas.put(Self.frame(tick: tick, glyphs: context.glyphs), at: row.origin, style: context.theme.accent, clip: row)
    if !label.isEmpty {
      canvas.draw(label, in: row.droppingLeft(2), style: context.theme.text, ellipsis: context.glyphs.ellipsis)
    }
  }
}
