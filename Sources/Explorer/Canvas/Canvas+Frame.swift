/// Text set into a frame's border: `╭─ title ──── right ─╮`, `╰──── footer ─╯`.
public struct FrameLabels: Hashable, Sendable {
  /// Left part of the top border.
  public var title: [TextSpan]
  /// Right part of the top border (e.g. the image scale "×2").
  public var topRight: [TextSpan]
  /// Right part of the bottom border (e.g. "Esc close").
  public var bottomRight: [TextSpan]

  public init(title: [TextSpan] = [], topRight: [TextSpan] = [], bottomRight: [TextSpan] = []) {
    self.title = title
    self.topRight = topRight
    self.bottomRight = bottomRight
  }
}

extension Canvas {
  /// Draws the outline of `rect` (at least 2×2, else nothing) and returns the inside.
  @discardableResult
  public mutating func drawBox(_ rect: Rect, glyphs: BoxGlyphs, style: CellStyle) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return rect.inset(by: .all(1)) }
    let clip = rect
    for x in (rect.minX + 1)..<(rect.maxX - 1) {
      put(glyphs.horizontal, at: Point(x: x, y: rect.minY), style: style, clip: clip)
      put(glyphs.horizontal, at: Point(x: x, y: rect.maxY - 1), style: style, clip: clip)
    }
    for y in (rect.minY + 1)..<(rect.maxY - 1) {
      put(glyphs.vertical, at: Point(x: rect.minX, y: y), style: style, clip: clip)
      put(glyphs.vertical, at: Point(x: rect.maxX - 1, y: y), style: style, clip: clip)
    }
    put(glyphs.topLeft, at: Point(x: rect.minX, y: rect.minY), style: style, clip: clip)
    put(glyphs.topRight, at: Point(x: rect.maxX - 1, y: rect.minY), style: style, clip: clip)
    put(glyphs.bottomLeft, at: Point(x: rect.minX, y: rect.maxY - 1), style: style, clip: clip)
    put(glyphs.bottomRight, at: Point(x: rect.maxX - 1, y: rect.maxY - 1), style: style, clip: clip)
    return rect.inset(by: .all(1))
  }

  /// Draws a frame with labels in its borders and returns the inside. Labels are separated from the
  /// border by a space on each side, the title is cut with `ellipsis` when space runs out, and the
  /// right-hand labels are dropped before the title is cut.
  @discardableResult
  public mutating func drawFrame(
    _ rect: Rect, glyphs: BoxGlyphs, style: CellStyle, labels: FrameLabels = FrameLabels(),
    ellipsis: String = "…"
  ) -> Rect {
    let inner = drawBox(rect, glyphs: glyphs, style: style)
    guard rect.width >= 2, rect.height >= 2 else { return inner }
    // Usable border run: between "╭─" and "─╮".
    let run = Rect(x: rect.minX + 2, y: rect.minY, width: rect.width - 4, height: 1)
    var titleLimit = run.width
    if !labels.topRight.isEmpty {
      let w = labels.topRight.width + 2
      let titleNeed = labels.title.isEmpty ? 0 : labels.title.width + 2
      if w + titleNeed + 1 <= run.width {
        drawBorderLabel(labels.topRight, endingAt: run.maxX, y: run.minY, clip: run, ellipsis: ellipsis)
        titleLimit = run.width - w - 1
      }
    }
    if !labels.title.isEmpty, titleLimit >= 3 {
      var x = run.minX
      put(" ", at: Point(x: x, y: run.minY), style: style, clip: run)
      x += 1
      let room = titleLimit - 2
      x = drawTruncated(labels.title, at: Point(x: x, y: run.minY), width: room, clip: run, ellipsis: ellipsis)
      put(" ", at: Point(x: x, y: run.minY), style: style, clip: run)
    }
    if !labels.bottomRight.isEmpty {
      let bottomRun = Rect(x: rect.minX + 2, y: rect.maxY - 1, width: rect.width - 4, height: 1)
      if labels.bottomRight.width + 2 <= bottomRun.width {
        drawBorderLabel(
          labels.bottomRight, endingAt: bottomRun.maxX, y: bottomRun.minY, clip: bottomRun, ellipsis: ellipsis)
      }
    }
    return inner
  }

  private mutating func drawBorderLabel(_ spans: [TextSpan], endingAt maxX: Int, y: Int, clip: Rect, ellipsis: String) {
    let w = spans.width
    let start = maxX - w - 2
    let style = spans.first?.style ?? .plain
    put(" ", at: Point(x: start, y: y), style: CellStyle(background: style.background), clip: clip)
    draw(spans, at: Point(x: start + 1, y: y), clip: clip)
    put(" ", at: Point(x: maxX - 1, y: y), style: CellStyle(background: style.background), clip: clip)
  }

  /// Draws spans cut to `width` columns (the last cell becomes `ellipsis` when cut); returns the next column.
  @discardableResult
  public mutating func drawTruncated(
    _ spans: [TextSpan], at point: Point, width: Int, clip: Rect? = nil, ellipsis: String = "…"
  ) -> Int {
    guard width > 0 else { return point.x }
    if spans.width <= width { return draw(spans, at: point, clip: clip) }
    let limit = Rect(x: point.x, y: point.y, width: width, height: 1)
    let area = clip.map { $0.intersection(limit) } ?? limit
    var x = point.x
    for span in spans {
      x = draw(span.text, at: Point(x: x, y: point.y), style: span.style, clip: area)
      if x >= point.x + width { break }
    }
    let lastStyle = spans.last(where: { !$0.text.isEmpty })?.style ?? .plain
    let tail = TextCells.scalars(ellipsis)
    let tailStart = point.x + width - tail.count
    for (i, s) in tail.enumerated() { put(s, at: Point(x: tailStart + i, y: point.y), style: lastStyle, clip: area) }
    return point.x + width
  }
}
