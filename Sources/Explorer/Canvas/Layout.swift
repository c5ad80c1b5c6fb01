/// The two directions a rectangle can be split along.
public enum Axis: Hashable, Sendable {
  /// Side by side: the split cuts columns.
  case horizontal
  /// Stacked: the split cuts rows.
  case vertical
}

/// How long one section of a split is. Sections are resolved in three passes, so a layout such as
/// `[.fixed(1), .fill(), .fixed(1)]` (title, body, status) always keeps its fixed rows first:
/// 1. `.fixed` sections take their length, in order, while space lasts;
/// 2. `.fraction` sections take `⌊f · available⌋` of what is left;
/// 3. `.fill` sections share the remainder in proportion to their weights (rounding is spread so
///    the lengths add up exactly).
/// Without a `.fill` section, leftover space stays unused at the end.
public enum LayoutLength: Hashable, Sendable {
  case fixed(Int)
  /// A fraction in 0...1 of the space available to the split (after spacing).
  case fraction(Double)
  /// A share of whatever the fixed and fractional sections leave, by weight.
  case fill(Int)

  /// A fill section of weight 1.
  public static var fill: LayoutLength { .fill(1) }

  /// Resolves `lengths` against `total` cells with `spacing` cells between neighbours.
  /// The result has one non-negative length per section, and they never sum past the space available.
  public static func resolve(_ lengths: [LayoutLength], total: Int, spacing: Int = 0) -> [Int] {
    let n = lengths.count
    guard n > 0 else { return [] }
    let available = Swift.max(0, total - Swift.max(0, spacing) * (n - 1))
    var sizes = [Int](repeating: 0, count: n)
    var remaining = available

    for (i, length) in lengths.enumerated() {
      if case .fixed(let v) = length {
        sizes[i] = Swift.min(Swift.max(0, v), remaining)
        remaining -= sizes[i]
      }
    }
    for (i, length) in lengths.enumerated() {
      if case .fraction(let f) = length {
        let want = f.isFinite ? Int((Swift.min(Swift.max(f, 0), 1) * Double(available)).rounded(.down)) : 0
        sizes[i] = Swift.min(want, remaining)
        remaining -= sizes[i]
      }
    }
    let weights = lengths.map { length -> Int in
      if case .fill(let w) = length { return Swift.max(0, w) }
      return 0
    }
    let totalWeight = weights.reduce(0, +)
    if totalWeight > 0 {
      var cumulative = 0
      var given = 0
      for i in 0..<n where weights[i] > 0 {
        cumulative += weights[i]
        let upTo = remaining * cumulative / totalWeight
        sizes[i] = upTo - given
        given = upTo
      }
    }
    return sizes
  }
}

extension Rect {
  /// Splits the rectangle along `axis` into one rectangle per length (see ``LayoutLength``),
  /// with `spacing` cells left between neighbours. Always returns `lengths.count` rectangles.
  public func split(_ axis: Axis, _ lengths: [LayoutLength], spacing: Int = 0) -> [Rect] {
    let total = axis == .horizontal ? width : height
    let sizes = LayoutLength.resolve(lengths, total: total, spacing: spacing)
    var offset = 0
    var result: [Rect] = []
    result.reserveCapacity(sizes.count)
    for size in sizes {
      let start = Swift.min(offset, total)
      let length = Swift.min(size, total - start)
      switch axis {
      case .horizontal: result.append(Rect(x: x + start, y: y, width: length, height: height))
      case .vertical: result.append(Rect(x: x, y: y + start, width: width, height: length))
      }
      offset += size + Swift.max(0, spacing)
    }
    return result
  }

  /// Stacked sections, top to bottom.
  public func rows(_ lengths: [LayoutLength], spacing: Int = 0) -> [Rect] {
    split(.vertical, lengths, spacing: spacing)
  }

  /// Side-by-side sections, left to right.
  public func columns(_ lengths: [LayoutLength], spacing: Int = 0) -> [Rect] {
    split(.horizontal, lengths, spacing: spacing)
  }

  /// `count` equal sections (differing by at most one cell) with `spacing` between them.
  public func splitEvenly(_ axis: Axis, count: Int, spacing: Int = 0) -> [Rect] {
    split(axis, Array(repeating: .fill(1), count: Swift.max(0, count)), spacing: spacing)
  }
}
