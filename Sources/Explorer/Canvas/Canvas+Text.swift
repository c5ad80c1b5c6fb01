extension Canvas {
  /// Draws `text` on one row starting at `point`, clipped to `clip` and the canvas, and returns
  /// the column just after the last cell written (or that would have been written).
  /// Text never wraps; wide and control characters are substituted (see ``TextCells``).
  @discardableResult
  public mutating func draw(_ text: String, at point: Point, style: CellStyle = .plain, clip: Rect? = nil) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    var x = point.x
    guard point.y >= area.minY, point.y < area.maxY else {
      return point.x + text.terminalWidth
    }
    for s in TextCells.scalars(text) {
      if x >= area.maxX { return point.x + text.terminalWidth }
      if x >= area.minX { cells[point.y * size.width + x] = Cell(s, style: style) }
      x += 1
    }
    return x
  }

  /// Draws `text` on row `row` of `rect`, aligned inside it and truncated with `ellipsis` if it does
  /// not fit. Returns the rectangle the text occupies.
  @discardableResult
  public mutating func draw(
    _ text: String, in rect: Rect, row: Int = 0, alignment: TextAlignment = .leading,
    style: CellStyle = .plain, ellipsis: String = "…"
  ) -> Rect {
    let line = rect.row(row)
    guard !line.isEmpty else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
    let shown = text.truncated(toWidth: line.width, ellipsis: ellipsis)
    let w = shown.terminalWidth
    let x: Int
    switch alignment {
    case .leading: x = line.x
    case .center: x = line.x + (line.width - w) / 2
    case .trailing: x = line.maxX - w
    }
    draw(shown, at: Point(x: x, y: line.y), style: style, clip: line)
    return Rect(x: x, y: line.y, width: w, height: 1)
  }

  /// Draws a run of styled pieces left to right from `point`, clipped; returns the next column.
  @discardableResult
  public mutating func draw(_ spans: [TextSpan], at point: Point, clip: Rect? = nil) -> Int {
    var x = point.x
    for span in spans { x = draw(span.text, at: Point(x: x, y: point.y), style: span.style, clip: clip) }
    return x
  }
}
