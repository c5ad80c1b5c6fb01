/// A line or area chart of a series (x = index) in braille dots, 2×4 per cell, with an optional
/// logarithmic y axis, y-range labels on the left, and a marker at a chosen index — the spectrum
/// of J·Jᵀ on a log scale with the selected singular direction marked. ASCII glyph sets get a
/// coarser one-point-per-cell plot with `*`.
public struct LineChart: Widget, Hashable, Sendable {
  public enum Fill: Hashable, Sendable {
    case line
    /// Filled from the curve down to the bottom.
    case area
  }

  public var values: [Double]
  public var scale: AxisScale
  public var fill: Fill
  /// Fixed y range; `nil` uses the range of the values.
  public var range: ClosedRange<Double>?
  /// Index into `values` to mark with a dotted vertical line in the accent style.
  public var marker: Int?
  /// Draw the top and bottom y values in a gutter on the left.
  public var showsRangeLabels: Bool

  public init(
    values: [Double], scale: AxisScale = .linear, fill: Fill = .line, range: ClosedRange<Double>? = nil,
    marker: Int? = nil, showsRangeLabels: Bool = true
  ) {
    self.values = values
    self.scale = scale
    self.fill = fill
    self.range = range
    self.marker = marker
    self.showsRangeLabels = showsRangeLabels
  }

  /// Braille bit of the dot in column `c` (0–1) and row `r` (0–3, top down) of a cell.
  static func brailleBit(column c: Int, row r: Int) -> UInt32 {
    let left: [UInt32] = [0x01, 0x02, 0x04, 0x40]
    let right: [UInt32] = [0x08, 0x10, 0x20, 0x80]
    return c == 0 ? left[r] : right[r]
  }

  private func label(_ axisValue: Double) -> String {
    let v = scale.inverse(axisValue)
    return scale == .logarithmic
      ? NumberFormat.scientific(v, significantDigits: 2) : NumberFormat.compact(v, significantDigits: 3)
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty, !values.isEmpty, let axis = scale.axisRange(values, range: range) else { return }
    var plot = rect
    if showsRangeLabels {
      let top = label(axis.upperBound)
      let bottom = label(axis.lowerBound)
      let gutter = Swift.max(top.terminalWidth, bottom.terminalWidth) + 1
      if rect.width - gutter >= 4 {
        let labelRect = rect.left(gutter - 1)
        canvas.draw(top, in: labelRect, row: 0, alignment: .trailing, style: context.theme.secondary)
        if rect.height >= 2 {
          canvas.draw(bottom, in: labelRect, row: rect.height - 1, alignment: .trailing, style: context.theme.secondary)
        }
        plot = rect.droppingLeft(gutter)
      }
    }
    if context.glyphs.isUnicode {
      renderBraille(in: plot, axis: axis, canvas: &canvas, context: context)
    } else {
      renderASCII(in: plot, axis: axis, canvas: &canvas, context: context)
    }
  }

  /// Dot row (0 = top) of an axis value on a grid `rows` dots high.
  private func dotRow(_ a: Double, axis: ClosedRange<Double>, rows: Int) -> Int {
    let t = Swift.min(Swift.max((a - axis.lowerBound) / (axis.upperBound - axis.lowerBound), 0), 1)
    return (rows - 1) - Int((t * Double(rows - 1)).rounded())
  }

  /// Dot column of index `i` on a grid `columns` dots wide.
  private func dotColumn(_ i: Int, columns: Int) -> Int {
    values.count <= 1 ? 0 : Int((Double(i) * Double(columns - 1) / Double(values.count - 1)).rounded())
  }

  private func renderBraille(in rect: Rect, axis: ClosedRange<Double>, canvas: inout Canvas, context: RenderContext) {
    let w = 2 * rect.width
    let h = 4 * rect.height
    var dots = [Bool](repeating: false, count: w * h)
    func set(_ x: Int, _ y: Int) { if x >= 0, x < w, y >= 0, y < h { dots[y * w + x] = true } }
    var previous: (x: Int, y: Int)?
    for (i, v) in values.enumerated() {
      guard let a = scale.transform(v) else {
        previous = nil
        continue
      }
      let p = (x: dotColumn(i, columns: w), y: dotRow(a, axis: axis, rows: h))
      if let q = previous { Self.line(from: q, to: p, plot: set) } else { set(p.x, p.y) }
      previous = p
    }
    if fill == .area {
      for x in 0..<w {
        guard let top = (0..<h).first(where: { dots[$0 * w + x] }) else { continue }
        for y in top..<h { dots[y * w + x] = true }
      }
    }
    var markerColumn: Int?
    if let m = marker, m >= 0, m < values.count { markerColumn = dotColumn(m, columns: w) }
    for cy in 0..<rect.height {
      for cx in 0..<rect.width {
        var bits: UInt32 = 0
        var marked = false
        for c in 0..<2 {
          for r in 0..<4 {
            let x = 2 * cx + c
            let y = 4 * cy + r
            if dots[y * w + x] {
              bits |= Self.brailleBit(column: c, row: r)
            } else if x == markerColumn, r % 2 == 0 {
              bits |= Self.brailleBit(column: c, row: r)
            }
            if x == markerColumn { marked = true }
          }
        }
        guard bits != 0, let scalar = Unicode.Scalar(0x2800 + bits) else { continue }
        let style = marked ? context.theme.accent : context.theme.chart
        canvas.put(scalar, at: Point(x: rect.x + cx, y: rect.y + cy), style: style, clip: rect)
      }
    }
  }

  private func renderASCII(in rect: Rect, axis: ClosedRange<Double>, canvas: inout Canvas, context: RenderContext) {
    let w = rect.width
    let h = rect.height
    var markerColumn: Int?
    if let m = marker, m >= 0, m < values.count { markerColumn = dotColumn(m, columns: w) }
    for cx in 0..<w {
      // Mean (on the axis) of the values falling in this column.
      let lo: Int
      let hi: Int
      if values.count <= w {
        let i =
          values.count <= 1 ? 0 : Int((Double(cx) * Double(values.count - 1) / Double(Swift.max(1, w - 1))).rounded())
        (lo, hi) = (i, i + 1)
      } else {
        lo = cx * values.count / w
        hi = Swift.max(lo + 1, (cx + 1) * values.count / w)
      }
      let bucket = values[lo..<Swift.min(hi, values.count)].compactMap { scale.transform($0) }
      let style = cx == markerColumn ? context.theme.accent : context.theme.chart
      if cx == markerColumn {
        for cy in 0..<h { canvas.put("|", at: Point(x: rect.x + cx, y: rect.y + cy), style: style, clip: rect) }
      }
      guard !bucket.isEmpty else { continue }
      let row = dotRow(bucket.reduce(0, +) / Double(bucket.count), axis: axis, rows: h)
      canvas.put("*", at: Point(x: rect.x + cx, y: rect.y + row), style: style, clip: rect)
      if fill == .area {
        for cy in (row + 1)..<Swift.max(row + 1, h) {
          canvas.put(":", at: Point(x: rect.x + cx, y: rect.y + cy), style: style, clip: rect)
        }
      }
    }
  }

  /// Bresenham's line from `a` to `b`, both ends included.
  static func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), plot: (Int, Int) -> Void) {
    var x = a.x
    var y = a.y
    let dx = abs(b.x - a.x)
    let dy = -abs(b.y - a.y)
    let sx = a.x < b.x ? 1 : -1
    let sy = a.y < b.y ? 1 : -1
    var err = dx + dy
    while true {
      plot(x, y)
      if x == b.x && y == b.y { return }
      let e2 = 2 * err
      if e2 >= dy {
        err += dy
        x += sx
      }
      if e2 <= dx {
        err += dx
        y += sy
      }
    }
  }
}
