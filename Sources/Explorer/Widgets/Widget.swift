/// Something that draws itself into a rectangle of a canvas. Widgets are plain values built from
/// the model each frame; drawing must stay inside `rect` and must not fail for any size.
public protocol Widget {
  func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext)
}

extension Canvas {
  /// Draws `widget` into `rect`.
  public mutating func render(_ widget: some Widget, in rect: Rect, context: RenderContext) {
    widget.render(in: rect, on: &self, context: context)
  }
}
