/// The roots of the secular equation `1/ρ + Σ_j z_j²/(d_j − λ) = 0` (LAPACK's `dlaed4`): the
/// eigenvalues of `diag(d) + ρ·z·zᵀ` for strictly increasing poles `d`, non-zero `z` and `ρ > 0`.
///
/// Root `r` lies in `(d_r, d_{r+1})` (the last in `(d_{K−1}, d_{K−1} + ρ‖z‖²]`). It is computed
/// as `λ_r = d_o + τ` from the pole `d_o` nearer to it, so that every difference
/// `d_j − λ_r = (d_j − d_o) − τ` is accurate to a few ulps of itself: the property the stable
/// eigenvectors (Gu–Eisenstat, ``TridiagonalDivideAndConquer``) rely on. The iteration fits a
/// rational model with the two poles next to the root (the "middle way" of Li / `dlaed4`) and falls
/// back to bisection of a bracket whenever the model step leaves it, so it always converges.
enum SecularEquation {
  /// Iterations allowed per root; after half of them only bisection is used, which alone
  /// shrinks any bracket to rounding level within the other half.
  static let maxIterations = 160

  /// Solves for root `r` of `K = poles.count`; writes `d_j − λ_r` to `differences[j]` for every
  /// `j` and returns `λ_r`.
  static func root(
    _ r: Int, poles d: UnsafePointer<Double>, weights z: UnsafePointer<Double>, count k: Int, rho: Double,
    differences delta: UnsafeMutablePointer<Double>
  ) -> Double {
    let rhoInverse = 1 / rho
    if k == 1 {
      let tau = rho * z[0] * z[0]
      delta[0] = -tau
      return d[0] + tau
    }
    let eps = Double.ulpOfOne
    // Origin pole, bracket [lo, hi] for τ (f(lo) ≤ 0 ≤ f(hi)) and the poles of the model.
    let origin: Int
    var lo: Double, hi: Double, tau: Double
    let left = r < k - 1 ? r : k - 2  // the model's poles are `left` and `left + 1`
    if r < k - 1 {
      let half = (d[r + 1] - d[r]) / 2
      var f = rhoInverse
      for j in 0..<k { f += z[j] * z[j] / ((d[j] - d[r]) - half) }
      if f >= 0 {
        origin = r
        (lo, hi, tau) = (0, half, half)
      } else {
        origin = r + 1
        (lo, hi, tau) = (-half, 0, -half)
      }
    } else {
      origin = k - 1
      var zz = 0.0
      for j in 0..<k { zz += z[j] * z[j] }
      (lo, hi, tau) = (0, rho * zz, rho * zz)
    }
    let dOrigin = d[origin]
    for j in 0..<k { delta[j] = d[j] - dOrigin }  // pole offsets, then differences

    var iteration = 0
    while true {
      // f(τ) split into ψ (poles ≤ left) and φ (the others), with derivatives and an error bound.
      var psi = 0.0, dpsi = 0.0, phi = 0.0, dphi = 0.0
      for j in 0...left {
        let t = z[j] / (delta[j] - tau)
        psi += z[j] * t
        dpsi += t * t
      }
      for j in (left + 1)..<k {
        let t = z[j] / (delta[j] - tau)
        phi += z[j] * t
        dphi += t * t
      }
      let w = rhoInverse + psi + phi
      let errorBound = 8 * (abs(phi) + abs(psi) + rhoInverse) + abs(tau) * (dpsi + dphi)
      if abs(w) <= eps * errorBound || w == 0 { break }
      if w < 0 { lo = tau } else { hi = tau }
      iteration += 1
      if iteration >= maxIterations || hi - lo <= 2 * eps * max(abs(lo), abs(hi)) { break }

      // Zero of the model C + s/(δ_l − η) + S/(δ_{l+1} − η), s = δ_l²·ψ', S = δ_{l+1}²·φ':
      // C·η² − A·η + B = 0.
      var next = Double.nan
      if iteration < maxIterations / 2 {
        let dl = delta[left] - tau, du = delta[left + 1] - tau
        let c = w - dl * dpsi - du * dphi
        let a = (dl + du) * w - dl * du * (dpsi + dphi)
        let b = dl * du * w
        let root = (max(0, a * a - 4 * b * c)).squareRoot()
        let small: Double, large: Double
        if a >= 0 {
          small = 2 * b / (a + root)
          large = (a + root) / (2 * c)
        } else {
          small = (a - root) / (2 * c)
          large = 2 * b / (a - root)
        }
        // Between the two poles for an interior root, beyond the last pole for the last root.
        let inside: (Double) -> Bool = r < k - 1 ? { $0 > dl && $0 < du } : { $0 > du }
        let eta = c == 0 ? b / a : (inside(small) ? small : large)
        next = tau + eta
      }
      tau = next > lo && next < hi ? next : lo + (hi - lo) / 2
    }
    for j in 0..<k { delta[j] -= tau }
    return dOrigin + tau
  }
}
