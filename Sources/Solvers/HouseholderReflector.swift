import Autodiff

/// Householder reflectors `H = I − τ·v·vᵀ` (`v[0] = 1`): how one is chosen, and the triangular
/// factor that turns a run of them into one block reflector `H₀·H₁ ⋯ = I − V·T·Vᵀ`.
enum HouseholderReflector {
  /// LAPACK's `dlarfg`: `β` and `τ` with `(I − τ·v·vᵀ)·(α, x) = (β, 0)`, `v = (1, x/(α − β))`;
  /// `x` is overwritten by `v`'s tail. `τ = 0` (no reflection) when `x` is already zero.
  static func make(alpha: Double, x: UnsafeMutablePointer<Double>, count: Int) -> (beta: Double, tau: Double) {
    guard count > 0 else { return (alpha, 0) }
    let xnorm = VectorKernels.dot(x, x, count: count).squareRoot()
    guard xnorm > 0 else { return (alpha, 0) }
    let length = SymmetricTridiagonalEigensolver.hypotenuse(alpha, xnorm)
    let beta = alpha >= 0 ? -length : length
    VectorKernels.scale(1 / (alpha - beta), x, count: count)
    return (beta, (beta - alpha) / beta)
  }

  /// LAPACK's `dlarft` (forward, row-wise): the upper triangular `k × k` factor `T` (row-major,
  /// rows `ldt` apart) with `H₀·H₁ ⋯ H_{k−1} = I − Vᵀ·T·V` for the reflectors stored as the rows of
  /// `V` (`k × length`, rows `ldv` apart, zeros before each unit diagonal included).
  ///
  /// `T[i, i] = τ_i` and `T[0..<i, i] = −τ_i·T[0..<i, 0..<i]·(V[0..<i]·v_i)`; the inner products
  /// of the rows come from one GEMM (`gram`, `k × k` scratch).
  static func triangularFactor(
    _ v: UnsafePointer<Double>, ldv: Int, count k: Int, length: Int, tau: UnsafePointer<Double>,
    into t: UnsafeMutablePointer<Double>, ldt: Int, gram: UnsafeMutablePointer<Double>
  ) {
    guard k > 0 else { return }
    Double.gemm(
      transposeA: false, transposeB: true, m: k, n: k, k: length, alpha: 1, a: v, lda: ldv,
      b: v, ldb: ldv, beta: 0, c: gram, ldc: k)
    for i in 0..<k {
      let ti = tau[i]
      for p in 0..<i {
        var sum = 0.0
        for q in p..<i { sum += t[p * ldt + q] * gram[q * k + i] }
        t[p * ldt + i] = -ti * sum
      }
      for p in (i + 1)..<k { t[p * ldt + i] = 0 }
      t[i * ldt + i] = ti
    }
  }
}
