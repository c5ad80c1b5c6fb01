/// A chart on an ``SVGDocument``: a title, a plot area with grid lines, x and y axes with ticks,
/// tick labels and axis titles (linear, log or categorical x; linear or log y), and a legend.
/// Marks are added in data coordinates.
public struct SVGChart: Sendable {
  /// The horizontal axis: numeric, or one slot per category.
  public enum XAxis: Sendable {
    case numeric(PlotScale)
    case categories([String])
  }

  /// One legend entry: a label and the colour of its marks.
  public struct LegendEntry: Sendable {
    public var label: String
    public var color: String
    public init(_ label: String, color: String) {
      self.label = label
      self.color = color
    }
  }

  /// Ten distinguishable colours (Tableau 10), for series and categories.
  public static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

  public private(set) var document: SVGDocument
  public let x: XAxis
  public let y: PlotScale
  /// The plot area in pixels.
  let left: Double, top: Double, right: Double, bottom: Double

  /// A chart with its frame, grid, ticks, labels and titles drawn.
  public init(title: String, xTitle: String, yTitle: String, x: XAxis, y: PlotScale, width: Double = 720, height: Double = 460) {
    self.x = x
    self.y = y
    var categoryLabelHeight = 0.0
    if case .categories(let names) = x, (names.map(\.count).max() ?? 0) * names.count > 70 {
      categoryLabelHeight = min(Double(names.map(\.count).max() ?? 0) * 5, 110)
    }
    left = 78
    top = 44
    right = width - 24
    bottom = height - 58 - categoryLabelHeight
    document = SVGDocument(width: width, height: height, title: title)
    document.text(title, x: width / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
    document.rect(x: left, y: top, width: right - left, height: bottom - top, fill: "#fafafa", stroke: "#888888")

    for t in y.ticks() {
      guard let f = y.fraction(t.value), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let py = bottom - f * (bottom - top)
      document.line(left, py, right, py, stroke: "#dddddd")
      document.line(left - 5, py, left, py, stroke: "#444444")
      document.text(t.label, x: left - 8, y: py + 4, size: 11, anchor: .end)
    }
    switch x {
    case .numeric(let scale):
      for t in scale.ticks() {
        guard let f = scale.fraction(t.value), f >= -1e-9, f <= 1 + 1e-9 else { continue }
        let px = left + f * (right - left)
        document.line(px, top, px, bottom, stroke: "#dddddd")
        document.line(px, bottom, px, bottom + 5, stroke: "#444444")
        document.text(t.label, x: px, y: bottom + 18, size: 11, anchor: .middle)
      }
    case .categories(let names):
      let slot = (right - left) / Double(max(names.count, 1))
      for (i, name) in names.enumerated() {
        let px = left + (Double(i) + 0.5) * slot
        document.line(px, bottom, px, bottom + 5, stroke: "#444444")
        if categoryLabelHeight > 0 {
          document.text(name, x: px, y: bottom + 14, size: 11, anchor: .end, rotate: -40)
        } else {
          document.text(name, x: px, y: bottom + 18, size: 11, anchor: .middle)
        }
      }
    }
    document.text(xTitle, x: (left + right) / 2, y: height - 14, size: 13, anchor: .middle)
    document.text(yTitle, x: 18, y: (top + bottom) / 2, size: 13, anchor: .middle, rotate: -90)
  }

  /// The pixel column of a numeric x value (nil for values the axis cannot show).
  public func px(_ value: Double) -> Double? {
    guard case .numeric(let scale) = x, let f = scale.fraction(value) else { return nil }
    return left + f * (right - left)
  }

  /// The pixel row of a y value (nil for values the axis cannot show).
  public func py(_ value: Double) -> Double? { y.fraction(value).map { bottom - $0 * (bottom - top) } }

  /// The centre and width of category slot `i`.
  public func slot(_ i: Int) -> (center: Double, width: Double) {
    guard case .categories(let names) = x else { return ((left + right) / 2, right - left) }
    let w = (right - left) / Double(max(names.count, 1))
    return (left + (Double(i) + 0.5) * w, w)
  }

  /// Dots at data points inside the plot area.
  public mutating func points(_ data: [(x: Double, y: Double)], color: String, radius: Double = 2.5, opacity: Double = 0.6) {
    for p in data {
      guard let cx = px(p.x), let cy = py(p.y), inside(cx, cy) else { continue }
      document.circle(cx: cx, cy: cy, r: radius, fill: color, opacity: opacity)
    }
  }

  /// A line through data points (clipped to the plot area by dropping points outside it).
  public mutating func line(_ data: [(x: Double, y: Double)], color: String, width: Double = 1.5, dash: String? = nil, opacity: Double? = nil) {
    let pixels = data.compactMap { p -> (x: Double, y: Double)? in
      guard let cx = px(p.x), let cy = py(p.y), inside(cx, cy) else { return nil }
      return (cx, cy)
    }
    document.polyline(pixels, stroke: color, width: width, dash: dash, opacity: opacity)
  }

  /// A box in category slot `i` (of `count` side by side): quartiles, median line, whiskers.
  public mutating func box(category i: Int, of count: Int = 1, index: Int = 0, q1: Double, median: Double, q3: Double,
                           whiskers: (low: Double, high: Double), color: String) {
    let s = slot(i)
    let w = s.width * 0.7 / Double(count)
    let cx = s.center - s.width * 0.35 + (Double(index) + 0.5) * w
    guard let y1 = clampedY(q1), let y3 = clampedY(q3), let ym = clampedY(median),
          let low = clampedY(whiskers.low), let high = clampedY(whiskers.high) else { return }
    document.line(cx, low, cx, y1, stroke: color)
    document.line(cx, y3, cx, high, stroke: color)
    document.line(cx - w * 0.2, low, cx + w * 0.2, low, stroke: color)
    document.line(cx - w * 0.2, high, cx + w * 0.2, high, stroke: color)
    document.rect(x: cx - w * 0.4, y: y3, width: w * 0.8, height: y1 - y3, fill: color, stroke: color, opacity: 0.35)
    document.line(cx - w * 0.4, ym, cx + w * 0.4, ym, stroke: color, width: 2.5)
  }

  /// A bar from the bottom of the axis to `value` in category slot `i`, with an error bar of ±`error`.
  public mutating func bar(category i: Int, of count: Int = 1, index: Int = 0, value: Double, error: Double?, color: String) {
    let s = slot(i)
    let w = s.width * 0.7 / Double(count)
    let x0 = s.center - s.width * 0.35 + Double(index) * w
    guard let yv = clampedY(value) else { return }
    document.rect(x: x0 + w * 0.1, y: yv, width: w * 0.8, height: bottom - yv, fill: color, opacity: 0.8)
    if let error, let hi = clampedY(value + error) {
      let lo = clampedY(value - error) ?? bottom
      let cx = x0 + w / 2
      document.line(cx, lo, cx, hi, stroke: "#222222")
      document.line(cx - w * 0.15, lo, cx + w * 0.15, lo, stroke: "#222222")
      document.line(cx - w * 0.15, hi, cx + w * 0.15, hi, stroke: "#222222")
    }
  }

  /// A legend in the top-left corner of the plot area.
  public mutating func legend(_ entries: [LegendEntry]) {
    guard !entries.isEmpty else { return }
    let width = Double(entries.map(\.label.count).max() ?? 0) * 6.6 + 34, height = Double(entries.count) * 18 + 8
    document.rect(x: left + 8, y: top + 8, width: width, height: height, fill: "#ffffff", stroke: "#bbbbbb", opacity: 0.9)
    for (i, e) in entries.enumerated() {
      let y0 = top + 8 + 16 + Double(i) * 18
      document.rect(x: left + 16, y: y0 - 9, width: 12, height: 10, fill: e.color)
      document.text(e.label, x: left + 34, y: y0, size: 11)
    }
  }

  /// The SVG text.
  public func rendered() -> String { document.rendered() }

  private func inside(_ px: Double, _ py: Double) -> Bool { px >= left - 0.5 && px <= right + 0.5 && py >= top - 0.5 && py <= bottom + 0.5 }

  /// The pixel row of `value`, held inside the plot area (nil for values a log axis cannot show).
  private func clampedY(_ value: Double) -> Double? { py(value).map { min(max($0, top), bottom) } }
}
