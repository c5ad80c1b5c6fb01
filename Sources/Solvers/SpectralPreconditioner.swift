import Autodiff

/// A preconditioner for `A + ε·I` built from `k` known (approximate) eigenpairs `(θ_i, y_i)` of `A`
/// with orthonormal `y_i`, typically the top Ritz pairs ``Lanczos`` already found:
/// `M⁻¹ = I + Y·(μ·(Θ + εI)⁻¹ − I)·Yᵀ`, `μ = min_i θ_i + ε`.
///
/// It is symmetric positive definite, and for exact eigenvectors it moves each given eigenvalue
/// `θ_i + ε` of `A + εI` to `μ` and leaves the others alone, so the condition number CG sees drops
/// from `(λmax + ε)/(λmin + ε)` to about `(θ_k + ε)/(λmin + ε)`: with the top `k` pairs, CG's
/// iterations scale with the square root of what remains. ``initialGuess(for:)`` also gives the
/// exact solution's component in the span of `Y` (deflation), so CG only has the rest to find.
public struct SpectralPreconditioner: Sendable {
  /// The vector length `n`.
  public let dimension: Int
  /// The shift `ε` of the system `(A + εI)·x = b` this preconditions.
  public let shift: Double
  /// The eigenvalue estimates `θ_i`.
  public let eigenvalues: [Double]
  /// `Y`, `k × n` row-major (row `i` is `y_i`).
  private let vectors: [Double]
  private let mu: Double

  /// Builds `M⁻¹` from `eigenvalues[i]` and unit `vectors[i]` (mutually orthogonal, as Ritz vectors
  /// are) for the system with shift `ε ≥ 0`. Throws ``SolverError`` for mismatched lengths,
  /// non-finite entries, or `θ_i + ε ≤ 0`.
  public init(eigenvalues: [Double], vectors: [[Double]], shift: Double = 0) throws(SolverError) {
    guard !vectors.isEmpty, vectors.count == eigenvalues.count else {
      throw .invalidArgument("spectral preconditioner needs one vector per eigenvalue (\(eigenvalues.count) values, \(vectors.count) vectors), and at least one")
    }
    guard shift >= 0, shift.isFinite else { throw .invalidArgument("shift \(shift) must be finite and ≥ 0") }
    let n = vectors[0].count
    for (i, v) in vectors.enumerated() { try SolverError.check(v, count: n, argument: "eigenvector \(i)") }
    for (i, theta) in eigenvalues.enumerated() where !(theta + shift > 0) || !theta.isFinite {
      throw .invalidArgument("eigenvalue \(i) = \(theta) plus shift \(shift) must be positive and finite")
    }
    dimension = n
    self.shift = shift
    self.eigenvalues = eigenvalues
    self.vectors = vectors.flatMap { $0 }
    mu = eigenvalues.min()! + shift
  }

  /// `M⁻¹·r`.
  public func apply(_ r: [Double]) -> [Double] {
    let c = coefficients(r)
    var z = r
    addCombination(eigenvalues.indices.map { c[$0] * (mu / (eigenvalues[$0] + shift) - 1) }, to: &z)
    return z
  }

  /// `Y·(Θ + εI)⁻¹·Yᵀ·b`: the solution's component in the span of the given eigenvectors (exact
  /// for exact eigenpairs), a good start for CG.
  public func initialGuess(for b: [Double]) -> [Double] {
    let c = coefficients(b)
    var x = [Double](repeating: 0, count: dimension)
    addCombination(eigenvalues.indices.map { c[$0] / (eigenvalues[$0] + shift) }, to: &x)
    return x
  }

  /// `Yᵀ·r`.
  private func coefficients(_ r: [Double]) -> [Double] {
    let k = eigenvalues.count, n = dimension
    var c = [Double](repeating: 0, count: k)
    vectors.withUnsafeBufferPointer { y in
      r.withUnsafeBufferPointer { r in
        c.withUnsafeMutableBufferPointer { c in
          Double.gemm(transposeA: false, transposeB: false, m: k, n: 1, k: n, alpha: 1, a: y.baseAddress!, lda: n,
                      b: r.baseAddress!, ldb: 1, beta: 0, c: c.baseAddress!, ldc: 1)
        }
      }
    }
    return c
  }

  /// `x += Y·c`.
  private func addCombination(_ c: [Double], to x: inout [Double]) {
    let k = eigenvalues.count, n = dimension
    vectors.withUnsafeBufferPointer { y in
      c.withUnsafeBufferPointer { c in
        x.withUnsafeMutableBufferPointer { x in
          Double.gemm(transposeA: true, transposeB: false, m: n, n: 1, k: k, alpha: 1, a: y.baseAddress!, lda: n,
                      b: c.baseAddress!, ldb: 1, beta: 1, c: x.baseAddress!, ldc: 1)
        }
      }
    }
  }
}
