/// A compact series of bars `▁▂▃▄▅▆▇█`, one value per column (eight levels per row; taller
/// sparklines stack). For the attack objective next to its current value.
public struct Sparkline: Widget, Hashable, Sendable {
  /// What to do when there are more values than columns.
  public enum Overflow: Hashable, Sendable {
    /// Show the most recent values (a scrolling window).
    case latest
    /// Average the whole series into the columns available.
    case compress
  }

  public var values: [Double]
  /// Fixed value range; `nil` uses the range of the values shown.
  public var range: ClosedRange<Double>?
  public var scale: AxisScale
  public var overflow: Overflow
  /// Overrides the theme's chart style.
  public var style: CellStyle?

  public init(
    values: [Double], range: ClosedRange<Double>? = nil, scale: AxisScale = .linear,
    overflow: Overflow = .latest, style: CellStyle? = nil
  ) {
    self.values = values
    self.range = range
    self.scale = scale
    self.overflow = overflow
    self.style = style
  }

  /// The values that land in `width` columns, left to right.
  public func columns(width: Int) -> [Double] {
    guard width > 0, values.count > width else { return values }
    switch overflow {
    case .latest:
      return Array(values.suffix(width))
    case .compress:
      return (0..<width).map { i in
        let lo = i * values.count / width
        let hi = Swift.max(lo + 1, (i + 1) * values.count / width)
        let bucket = values[lo..<hi].compactMap { scale.transform($0) }
        guard !bucket.isEmpty else { return .nan }
        return scale.inverse(bucket.reduce(0, +) / Double(bucket.count))
      }
    }
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let shown = columns(width: rect.width)
    guard let axis = scale.axisRange(shown, range: range) else { return }
    let levelsPerRow = context.glyphs.barLevels.count - 1
    let totalLevels = levelsPerRow * rect.height
    let style = self.style ?? context.theme.chart
    for (i, v) in shown.enumerated() {
      guard let a = scale.transform(v) else { continue }
      let t = Swift.min(Swift.max((a - axis.lowerBound) / (axis.upperBound - axis.lowerBound), 0), 1)
      let level = 1 + Int((t * Double(totalLevels - 1)).rounded())
      for r in 0..<rect.height {
        let cellLevel = Swift.min(Swift.max(level - r * levelsPerRow, 0), levelsPerRow)
        guard cellLevel > 0 else { continue }
        canvas.put(
          context.glyphs.barLevels[cellLevel], at: Point(x: rect.x + i, y: rect.maxY - 1 - r), style: style, clip: rect)
      }
    }
  }
}
