/// Shape arithmetic shared by tensors, kernels and ops.
extension Array where Element == Int {
  /// Product of the extents (1 for a scalar shape).
  public var elementCount: Int { reduce(1, *) }

  /// Row-major strides in elements.
  public var rowMajorStrides: [Int] {
    var strides = [Int](repeating: 1, count: count)
    var s = 1
    for i in stride(from: count - 1, through: 0, by: -1) {
      strides[i] = s
      s *= self[i]
    }
    return strides
  }
}

/// NumPy broadcasting: shapes are aligned at their last dimension and each pair of extents must be
/// equal or one of them 1. Returns nil when the shapes are incompatible.
public func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = Swift.max(a.count, b.count)
  var out = [Int](repeating: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
  }
  return out
}

/// Resolves a possibly negative axis (counted from the end) against a rank.
@inlinable
public func normalizedAxis(_ axis: Int, rank: Int) -> Int {
  let a = axis < 0 ? axis + rank : axis
  precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
  return a
}
