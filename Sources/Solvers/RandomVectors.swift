import Autodiff

/// Seeded random vectors for start vectors and probes, so every run is reproducible from its seed.
extension SeededRandom {
  /// A vector of independent N(0, 1) entries: a start vector with no preferred direction.
  mutating func normalVector(count: Int) -> [Double] {
    (0..<count).map { _ in normal() }
  }

  /// A vector of independent ±1 entries (Rademacher), the probes of Hutchinson's estimator.
  mutating func rademacherVector(count: Int) -> [Double] {
    var v = [Double](repeating: 1, count: count)
    var bits: UInt64 = 0
    for i in 0..<count {
      if i % 64 == 0 { bits = next() }
      if bits & 1 == 1 { v[i] = -1 }
      bits >>= 1
    }
    return v
  }
}
