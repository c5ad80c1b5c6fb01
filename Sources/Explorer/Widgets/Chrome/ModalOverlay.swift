/// A framed box drawn over the screen for pickers, help and prompts: centred, sized to its
/// content (clamped to the screen less a margin), with what lies under it blanked.
/// Compute ``contentRect(in:)`` to draw the content after ``render(in:on:context:)``.
public struct ModalOverlay: Widget, Hashable, Sendable {
  public var title: String
  /// Right side of the bottom border, e.g. `Esc close`.
  public var footer: String
  /// The content size wanted (without frame and padding).
  public var contentSize: Size
  /// Cells kept free around the overlay on each side.
  public var margin: Int

  public init(title: String, footer: String = "", contentSize: Size, margin: Int = 2) {
    self.title = title
    self.footer = footer
    self.contentSize = contentSize
    self.margin = margin
  }

  /// The overlay's outer rectangle on `screen`.
  public func frame(in screen: Rect) -> Rect {
    let available = screen.inset(by: .symmetric(horizontal: margin, vertical: margin / 2))
    let wanted = Size(width: contentSize.width + 4, height: contentSize.height + 2)
    let minimumTitle = Size(width: Swift.min(title.terminalWidth + 6, available.width), height: 0)
    return available.centered(Size(width: Swift.max(wanted.width, minimumTitle.width), height: wanted.height))
  }

  /// Where the content goes: inside the frame with one column of padding each side.
  public func contentRect(in screen: Rect) -> Rect {
    frame(in: screen).inset(by: EdgeInsets(top: 1, left: 2, bottom: 1, right: 2))
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let outer = frame(in: rect)
    guard !outer.isEmpty else { return }
    canvas.clear(outer)
    Panel(title: title, footer: footer, isFocused: true).render(in: outer, on: &canvas, context: context)
  }
}
