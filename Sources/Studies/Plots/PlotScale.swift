import Foundation

/// A numeric axis: a domain widened to round tick values, linear or logarithmic, mapping values
/// to fractions of the axis length; shared by the terminal plots and the SVG charts.
public struct PlotScale: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; the domain is whole decades and only positive values are shown.
    case log10
  }

  public let kind: Kind
  public let lower: Double
  public let upper: Double

  /// A scale covering `values` (non-finite ones, and non-positive ones on a log scale, ignored);
  /// a default domain when nothing is left.
  public init(covering values: [Double], kind: Kind, includeZero: Bool = false) {
    self.kind = kind
    let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
    switch kind {
    case .log10:
      guard let lo = usable.min(), let hi = usable.max() else {
        (lower, upper) = (1e-3, 1)
        return
      }
      let a = Foundation.log10(lo).rounded(.down), b = Swift.max(Foundation.log10(hi).rounded(.up), a + 1)
      (lower, upper) = (pow(10, a), pow(10, b))
    case .linear:
      var lo = usable.min() ?? 0, hi = usable.max() ?? 1
      if includeZero { (lo, hi) = (Swift.min(lo, 0), Swift.max(hi, 0)) }
      if lo == hi { (lo, hi) = (lo - 0.5 * Swift.max(abs(lo), 1), hi + 0.5 * Swift.max(abs(hi), 1)) }
      let step = Self.niceStep((hi - lo) / 5)
      (lower, upper) = ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step)
    }
  }

  /// A scale over an explicit domain.
  public init(kind: Kind, lower: Double, upper: Double) {
    self.kind = kind
    self.lower = lower
    self.upper = upper
  }

  /// Where `value` falls: 0 at `lower`, 1 at `upper` (outside for values outside; nil for values a
  /// log scale cannot show).
  public func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch kind {
    case .linear: return (value - lower) / (upper - lower)
    case .log10:
      guard value > 0 else { return nil }
      return (Foundation.log10(value) - Foundation.log10(lower)) / (Foundation.log10(upper) - Foundation.log10(lower))
    }
  }

  /// The value at fraction `f` of the axis.
  public func value(at f: Double) -> Double {
    switch kind {
    case .linear: lower + f * (upper - lower)
    case .log10: pow(10, Foundation.log10(lower) + f * (Foundation.log10(upper) - Foundation.log10(lower)))
    }
  }

  /// Labelled ticks: each decade on a log scale (every second or more when there are many), round
  /// steps of 1, 2 or 5 × 10ᵏ on a linear one.
  public func ticks() -> [(value: Double, label: String)] {
    switch kind {
    case .log10:
      let a = Int(Foundation.log10(lower).rounded()), b = Int(Foundation.log10(upper).rounded())
      let every = Swift.max(1, (b - a + 5) / 6)
      return stride(from: a, through: b, by: every).map { (pow(10, Double($0)), Self.decadeLabel($0)) }
    case .linear:
      let step = Self.niceStep((upper - lower) / 5)
      let first = (lower / step).rounded(.up)
      return stride(from: first, through: (upper / step).rounded(.down), by: 1).map { k in
        let v = k * step
        return (v, Self.linearLabel(abs(v) < step * 1e-9 ? 0 : v))
      }
    }
  }

  /// 1, 2 or 5 times a power of ten, at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let power = pow(10, Foundation.log10(raw).rounded(.down))
    return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw * (1 - 1e-12) } ?? 10 * power
  }

  /// `10⁻³`, `1`, `10`, `10²`.
  static func decadeLabel(_ k: Int) -> String {
    switch k {
    case 0: return "1"
    case 1: return "10"
    default:
      let superscripts: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
      return "10" + String(String(k).map { superscripts[$0] ?? $0 })
    }
  }

  static func linearLabel(_ v: Double) -> String {
    let a = abs(v)
    if a != 0 && (a < 1e-3 || a >= 1e5) { return String(format: "%.0e", v) }
    return String(format: "%g", v)
  }
}
