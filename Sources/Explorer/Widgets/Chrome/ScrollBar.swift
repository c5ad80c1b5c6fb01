/// A vertical scroll bar: a track with a thumb sized and placed by the visible share of the content.
public struct ScrollBar: Widget, Hashable, Sendable {
  public var total: Int
  public var visible: Int
  public var offset: Int

  public init(total: Int, visible: Int, offset: Int) {
    self.total = total
    self.visible = visible
    self.offset = offset
  }

  /// Rows of the thumb in a track `height` rows long: start and length.
  public func thumb(height: Int) -> (start: Int, length: Int) {
    guard total > visible, height > 0 else { return (0, height) }
    let length = Swift.max(1, height * visible / total)
    let maxOffset = total - visible
    let start = maxOffset > 0 ? (height - length) * Swift.min(Swift.max(offset, 0), maxOffset) / maxOffset : 0
    return (start, length)
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let column = rect.left(1)
    guard !column.isEmpty else { return }
    let (start, length) = thumb(height: column.height)
    for r in 0..<column.height {
      let inThumb = r >= start && r < start + length
      canvas.put(
        inThumb ? context.glyphs.scrollThumb : context.glyphs.scrollTrack,
        at: Point(x: column.x, y: column.y + r), style: inThumb ? context.theme.text : context.theme.frame, clip: column
      )
    }
  }
}
