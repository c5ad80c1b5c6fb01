/// Descriptive statistics of samples, with nil where a statistic is undefined (too few values).
public enum Statistics {
  /// The arithmetic mean; nil for no values.
  public static func mean(_ x: [Double]) -> Double? {
    x.isEmpty ? nil : x.reduce(0, +) / Double(x.count)
  }

  /// The sample standard deviation (n − 1 in the denominator); nil for fewer than two values.
  public static func standardDeviation(_ x: [Double]) -> Double? {
    guard x.count >= 2, let m = mean(x) else { return nil }
    return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
  }

  /// The median (the mean of the middle two for an even count); nil for no values.
  public static func median(_ x: [Double]) -> Double? { quantile(x, 0.5) }

  /// The q-quantile by linear interpolation between order statistics (numpy's default,
  /// "linear" / Hyndman–Fan type 7); nil for no values.
  public static func quantile(_ x: [Double], _ q: Double) -> Double? {
    guard !x.isEmpty else { return nil }
    let s = x.sorted()
    let h = Double(s.count - 1) * min(max(q, 0), 1)
    let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }

  /// Ranks from 1, ties sharing the average of the ranks they span (as for Spearman's ρ).
  public static func averageRanks(_ x: [Double]) -> [Double] {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
      let rank = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = rank }
      i = j + 1
    }
    return ranks
  }
}
