/// Differentiable sums and means, composed from ``Variable/summed(toShape:)``.
extension Variable {
  /// The sum of all elements, as a rank-0 variable.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sum() -> Variable {
    summed(toShape: [Int](repeating: 1, count: rank)).reshaped([])
  }

  /// The sum over `axes` (negative axes count from the end).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sum(axes: [Int], keepDims: Bool = false) -> Variable {
    let reduced = Set(axes.map { normalizedAxis($0, rank: rank) })
    let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
    let s = summed(toShape: kept)
    return keepDims ? s : s.reshaped(shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
  }

  /// The mean of all elements.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func mean() -> Variable { sum() * (1 / Scalar(Swift.max(count, 1))) }

  /// The mean over `axes`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func mean(axes: [Int], keepDims: Bool = false) -> Variable {
    let n = axes.map { shape[normalizedAxis($0, rank: rank)] }.reduce(1, *)
    return sum(axes: axes, keepDims: keepDims) * (1 / Scalar(n))
  }

  /// `Σ self·other` over all elements.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func dot(_ other: Variable) -> Variable { (self * other).sum() }
}
