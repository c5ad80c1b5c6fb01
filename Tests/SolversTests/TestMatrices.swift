import Autodiff
import Testing
import Solvers

/// Dense ground truth for the solver tests: symmetric matrices with a known spectrum, built as
/// `Q·diag(λ)·Qᵀ` with a random orthogonal `Q`, and naive reference arithmetic.
enum TestMatrices {
  /// A random orthogonal `n × n` matrix (row-major): the product of `n` Householder reflectors
  /// with normal random vectors.
  static func randomOrthogonal(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    var q = identity(n)
    for _ in 0..<n {
      let v = (0..<n).map { _ in rng.normal() }
      let vv = v.reduce(0) { $0 + $1 * $1 }
      for i in 0..<n {
        var s = 0.0
        for j in 0..<n { s += q[i * n + j] * v[j] }
        let f = 2 * s / vv
        for j in 0..<n { q[i * n + j] -= f * v[j] }
      }
    }
    return q
  }

  /// `Q·diag(λ)·Qᵀ` (exactly symmetric) for a random orthogonal `Q`.
  static func withSpectrum(_ lambda: [Double], seed: UInt64) -> [Double] {
    let n = lambda.count
    let q = randomOrthogonal(n, seed: seed)
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        var s = 0.0
        for k in 0..<n { s += q[i * n + k] * lambda[k] * q[j * n + k] }
        a[i * n + j] = s
        a[j * n + i] = s
      }
    }
    return a
  }

  static func identity(_ n: Int) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n { m[i * n + i] = 1 }
    return m
  }

  /// `A·x` for a row-major `n × n` matrix.
  static func multiply(_ a: [Double], _ x: [Double]) -> [Double] {
    let n = x.count
    return (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1] } }
  }

  static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  static func distance(_ x: [Double], _ y: [Double]) -> Double { norm(zip(x, y).map { $0 - $1 }) }

  /// Largest absolute entry: the scale of a matrix.
  static func maxAbs(_ x: [Double]) -> Double { x.reduce(0) { max($0, abs($1)) } }

  /// `max_k ‖A·u_k − λ_k·u_k‖`.
  static func maxResidual(_ e: SymmetricEigendecomposition, of a: [Double]) -> Double {
    (0..<e.dimension).map { k in
      let u = e.eigenvector(k)
      return distance(multiply(a, u), u.map { e.eigenvalues[k] * $0 })
    }.max() ?? 0
  }

  /// `max |U·Uᵀ − I|` over the rows `u_k` of the eigenvector matrix.
  static func orthogonalityError(_ e: SymmetricEigendecomposition) -> Double {
    let n = e.dimension
    let u = e.eigenvectors
    var worst = 0.0
    for i in 0..<n {
      for j in i..<n {
        var s = 0.0
        for k in 0..<n { s += u[i * n + k] * u[j * n + k] }
        worst = max(worst, abs(s - (i == j ? 1 : 0)))
      }
    }
    return worst
  }

  /// Decomposes `Q·diag(λ)·Qᵀ` and checks eigenvalues, residuals and orthogonality within
  /// `10·n·ε·‖A‖`; returns the decomposition, `A`'s scale and the bound for further checks.
  @discardableResult
  static func checkDecomposition(_ lambda: [Double], seed: UInt64, _ name: String) throws
    -> (e: SymmetricEigendecomposition, scale: Double, bound: Double) {
    let n = lambda.count
    let a = withSpectrum(lambda, seed: seed)
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    let scale = max(maxAbs(lambda), .leastNormalMagnitude)
    let bound = 10 * Double(n) * .ulpOfOne
    let valueError = zip(e.eigenvalues, lambda.sorted()).map { abs($0 - $1) }.max() ?? 0
    #expect(valueError <= bound * scale, "\(name): eigenvalue error \(valueError / scale) ‖A‖")
    let residual = maxResidual(e, of: a)
    #expect(residual <= bound * scale, "\(name): residual \(residual / scale) ‖A‖")
    let orthogonality = orthogonalityError(e)
    #expect(orthogonality <= bound, "\(name): ‖UᵀU − I‖ = \(orthogonality)")
    return (e, scale, bound)
  }

  /// A random normal vector.
  static func randomVector(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    return (0..<n).map { _ in rng.normal() }
  }
}
