/// A framed panel with a title (and optional right-hand detail and footer in the border), drawn
/// in the focused style when it has focus. Content goes into ``contentRect(in:)``.
public struct Panel: Widget, Hashable, Sendable {
  public var title: String
  /// Right side of the top border, e.g. the image scale `×2`.
  public var detail: String
  /// Right side of the bottom border, e.g. `Esc close`.
  public var footer: String
  public var isFocused: Bool

  public init(title: String, detail: String = "", footer: String = "", isFocused: Bool = false) {
    self.title = title
    self.detail = detail
    self.footer = footer
    self.isFocused = isFocused
  }

  /// The inside of the frame.
  public func contentRect(in rect: Rect) -> Rect { rect.inset(by: .all(1)) }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let theme = context.theme
    let frameStyle = isFocused ? theme.focusedFrame : theme.frame
    let titleStyle = isFocused ? theme.focusedTitle : theme.title
    let labels = FrameLabels(
      title: title.isEmpty ? [] : [TextSpan(title, style: titleStyle)],
      topRight: detail.isEmpty ? [] : [TextSpan(detail, style: theme.secondary)],
      bottomRight: footer.isEmpty ? [] : [TextSpan(footer, style: theme.secondary)])
    canvas.drawFrame(
      rect, glyphs: isFocused ? context.glyphs.focusedBox : context.glyphs.box, style: frameStyle,
      labels: labels, ellipsis: context.glyphs.ellipsis)
  }
}
