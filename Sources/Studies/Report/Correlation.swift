import Foundation

/// Pearson's r and Spearman's ρ between paired values, with 95% confidence intervals.
///
/// Intervals use Fisher's z-transform: z = atanh(r) ± 1.959964·se, mapped back with tanh, where
/// se = 1/√(n−3) for Pearson and √(1.06/(n−3)) for Spearman (Fieller, Hartley & Pearson 1957).
/// A coefficient is nil with fewer than 3 pairs or when either side is constant; an interval is
/// nil with fewer than 4 pairs.
public struct Correlation: Sendable, Equatable {
  /// Pairs used (both values finite).
  public let n: Int
  public let pearson: Double?
  public let spearman: Double?
  public let pearsonInterval: ClosedRange<Double>?
  public let spearmanInterval: ClosedRange<Double>?

  /// The normal quantile of a two-sided 95% interval.
  public static let z95 = 1.959963984540054

  /// Correlations of the pairs (x[i], y[i]) where both are finite.
  public init(_ x: [Double], _ y: [Double]) {
    let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
    let a = pairs.map(\.0), b = pairs.map(\.1)
    n = pairs.count
    pearson = Self.pearson(a, b)
    spearman = Self.pearson(Statistics.averageRanks(a), Statistics.averageRanks(b))
    pearsonInterval = pearson.flatMap { Self.fisherInterval($0, n: pairs.count, varianceFactor: 1) }
    spearmanInterval = spearman.flatMap { Self.fisherInterval($0, n: pairs.count, varianceFactor: 1.06) }
  }

  /// Pearson's r; nil for fewer than 3 pairs or a constant side.
  public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count >= 3, let mx = Statistics.mean(x), let my = Statistics.mean(y) else { return nil }
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    guard sxx > 0, syy > 0 else { return nil }
    return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
  }

  /// The 95% interval of r from n pairs by Fisher's z; nil for n < 4.
  public static func fisherInterval(_ r: Double, n: Int, varianceFactor: Double) -> ClosedRange<Double>? {
    guard n >= 4 else { return nil }
    let z = atanh(max(-1, min(1, r)))
    let half = z95 * (varianceFactor / Double(n - 3)).squareRoot()
    return tanh(z - half)...tanh(z + half)
  }
}
