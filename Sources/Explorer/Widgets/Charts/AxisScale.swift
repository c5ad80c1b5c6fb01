import Foundation

/// How values map to heights in sparklines and charts.
public enum AxisScale: Hashable, Sendable {
  case linear
  /// log₁₀ of the value; values ≤ 0 are left out. For losses and spectra that span decades.
  case logarithmic

  /// The value on the axis, or nil when it cannot be shown (non-finite, or ≤ 0 on a log axis).
  public func transform(_ v: Double) -> Double? {
    guard v.isFinite else { return nil }
    switch self {
    case .linear: return v
    case .logarithmic: return v > 0 ? log10(v) : nil
    }
  }

  /// Back from axis units to a value (for labels).
  public func inverse(_ a: Double) -> Double {
    switch self {
    case .linear: return a
    case .logarithmic: return pow(10, a)
    }
  }

  /// The axis range covering the finite transformed `values` (or `range` if given, transformed);
  /// a flat series gets a unit-wide range around its value so it draws mid-height.
  func axisRange(_ values: [Double], range: ClosedRange<Double>?) -> ClosedRange<Double>? {
    var lo = Double.infinity
    var hi = -Double.infinity
    if let range, let a = transform(range.lowerBound), let b = transform(range.upperBound) {
      lo = Swift.min(a, b)
      hi = Swift.max(a, b)
    } else {
      for v in values {
        guard let a = transform(v) else { continue }
        lo = Swift.min(lo, a)
        hi = Swift.max(hi, a)
      }
    }
    guard lo <= hi else { return nil }
    if lo == hi { return (lo - 0.5)...(hi + 0.5) }
    return lo...hi
  }
}
