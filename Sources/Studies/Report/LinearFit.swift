import Foundation

/// A least-squares line y ≈ intercept + slope·x, and its R².
public struct LinearFit: Sendable, Equatable {
  public let slope: Double
  public let intercept: Double
  /// 1 − SS_res/SS_tot: the share of y's variance the line explains.
  public let rSquared: Double
  /// Points used.
  public let n: Int

  /// The fit over pairs where both values are finite; nil for fewer than 2 pairs or a constant x.
  public init?(_ x: [Double], _ y: [Double]) {
    let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
    guard pairs.count >= 2 else { return nil }
    let mx = pairs.reduce(0) { $0 + $1.0 } / Double(pairs.count), my = pairs.reduce(0) { $0 + $1.1 } / Double(pairs.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in pairs {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    guard sxx > 0 else { return nil }
    let b = sxy / sxx, a = my - b * mx
    slope = b
    intercept = a
    let residual = pairs.reduce(0) { s, p in let e = p.1 - (a + b * p.0); return s + e * e }
    rSquared = syy > 0 ? 1 - residual / syy : 1
    n = pairs.count
  }

  /// The fit of log₁₀ y on log₁₀ x over pairs where both are positive: y ≈ 10^intercept · x^slope.
  public static func logLog(_ x: [Double], _ y: [Double]) -> LinearFit? {
    let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
    return LinearFit(pairs.map { log10($0.0) }, pairs.map { log10($0.1) })
  }
}
