/// A cell position on a canvas or screen: column `x`, row `y`, both counted from 0 at the top left.
public struct Point: Hashable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int

  public init(x: Int, y: Int) {
    self.x = x
    self.y = y
  }

  public static let zero = Point(x: 0, y: 0)

  public var description: String { "(\(x),\(y))" }
}

/// A size in cells. Negative extents are clamped to zero so sizes computed by subtraction are safe.
public struct Size: Hashable, Sendable, CustomStringConvertible {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = Swift.max(0, width)
    self.height = Swift.max(0, height)
  }

  /// Number of cells.
  public var area: Int { width * height }

  /// True when `other` fits inside this size in both directions.
  public func contains(_ other: Size) -> Bool { other.width <= width && other.height <= height }

  /// `W×H`, the form used in messages such as "have 70×18, need 80×24".
  public var description: String { "\(width)×\(height)" }
}

/// Margins taken off the sides of a rectangle.
public struct EdgeInsets: Hashable, Sendable {
  public var top: Int
  public var left: Int
  public var bottom: Int
  public var right: Int

  public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
    self.top = top
    self.left = left
    self.bottom = bottom
    self.right = right
  }

  /// The same margin on every side.
  public static func all(_ n: Int) -> EdgeInsets { EdgeInsets(top: n, left: n, bottom: n, right: n) }

  /// `horizontal` columns left and right, `vertical` rows top and bottom.
  public static func symmetric(horizontal: Int = 0, vertical: Int = 0) -> EdgeInsets {
    EdgeInsets(top: vertical, left: horizontal, bottom: vertical, right: horizontal)
  }
}

/// An axis-aligned rectangle of cells; `maxX`/`maxY` are exclusive. Widths and heights never go
/// negative, so every helper below returns an empty rectangle rather than an invalid one.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = Swift.max(0, width)
    self.height = Swift.max(0, height)
  }

  public init(origin: Point, size: Size) {
    self.init(x: origin.x, y: origin.y, width: size.width, height: size.height)
  }

  /// A rectangle at the origin covering `size`.
  public init(size: Size) { self.init(origin: .zero, size: size) }

  public var origin: Point { Point(x: x, y: y) }
  public var size: Size { Size(width: width, height: height) }
  public var minX: Int { x }
  public var minY: Int { y }
  /// One past the last column.
  public var maxX: Int { x + width }
  /// One past the last row.
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }
  public var description: String { "\(width)×\(height)@\(x),\(y)" }

  /// True when the cell `p` lies inside.
  public func contains(_ p: Point) -> Bool { p.x >= x && p.x < maxX && p.y >= y && p.y < maxY }

  /// The overlap of two rectangles (empty, positioned at the clamped origin, when they are disjoint).
  public func intersection(_ other: Rect) -> Rect {
    let x0 = Swift.max(x, other.x)
    let y0 = Swift.max(y, other.y)
    let x1 = Swift.min(maxX, other.maxX)
    let y1 = Swift.min(maxY, other.maxY)
    return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  /// The rectangle shrunk by `insets` (never below zero size).
  public func inset(by insets: EdgeInsets) -> Rect {
    let w = Swift.max(0, width - insets.left - insets.right)
    let h = Swift.max(0, height - insets.top - insets.bottom)
    return Rect(x: x + Swift.min(insets.left, width), y: y + Swift.min(insets.top, height), width: w, height: h)
  }

  /// The rectangle shrunk by `dx` columns on the left and right and `dy` rows on top and bottom.
  public func insetBy(dx: Int, dy: Int) -> Rect { inset(by: .symmetric(horizontal: dx, vertical: dy)) }

  /// A rectangle of `size` (clipped to this one) centred inside; odd leftovers go right and down.
  public func centered(_ size: Size) -> Rect {
    let w = Swift.min(size.width, width)
    let h = Swift.min(size.height, height)
    return Rect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
  }

  /// The first `n` rows (clamped to the height).
  public func top(_ n: Int) -> Rect { Rect(x: x, y: y, width: width, height: Swift.min(Swift.max(0, n), height)) }

  /// The last `n` rows (clamped).
  public func bottom(_ n: Int) -> Rect {
    let h = Swift.min(Swift.max(0, n), height)
    return Rect(x: x, y: maxY - h, width: width, height: h)
  }

  /// The first `n` columns (clamped).
  public func left(_ n: Int) -> Rect { Rect(x: x, y: y, width: Swift.min(Swift.max(0, n), width), height: height) }

  /// The last `n` columns (clamped).
  public func right(_ n: Int) -> Rect {
    let w = Swift.min(Swift.max(0, n), width)
    return Rect(x: maxX - w, y: y, width: w, height: height)
  }

  /// Everything below the first `n` rows.
  public func droppingTop(_ n: Int) -> Rect { inset(by: EdgeInsets(top: Swift.max(0, n))) }

  /// Everything above the last `n` rows.
  public func droppingBottom(_ n: Int) -> Rect { inset(by: EdgeInsets(bottom: Swift.max(0, n))) }

  /// Everything right of the first `n` columns.
  public func droppingLeft(_ n: Int) -> Rect { inset(by: EdgeInsets(left: Swift.max(0, n))) }

  /// Everything left of the last `n` columns.
  public func droppingRight(_ n: Int) -> Rect { inset(by: EdgeInsets(right: Swift.max(0, n))) }

  /// Row `i` (relative to the top) as a one-row rectangle; empty when out of range.
  public func row(_ i: Int) -> Rect {
    guard i >= 0, i < height else { return Rect(x: x, y: y, width: width, height: 0) }
    return Rect(x: x, y: y + i, width: width, height: 1)
  }
}
