import Autodiff

/// `A = U·diag(λ)·Uᵀ` for a dense symmetric matrix, in Float64: the dense path of I2F.
///
/// Computed once per (model, sample) for `A = J·Jᵀ`; afterwards every perturbation costs a few
/// passes over the stored factors (``apply(_:to:)``, ``coefficients(of:)``, ``expand(_:)``).
/// Method: a two-stage tridiagonalisation, `A = Q₁·B·Q₁ᵀ` to a band matrix by GEMMs
/// (``BandReduction``) and `B = Q₂·T·Q₂ᵀ` by bulge chasing (``BulgeChasing``), then divide and
/// conquer on `T = Z·Λ·Zᵀ` (``TridiagonalDivideAndConquer``). `U = Q₁·Q₂·Z` is never formed:
/// `Q₁` and `Q₂` stay as their Householder reflectors and `Z` as a matrix (about `2n²` doubles in
/// all), so products with `U` and `Uᵀ` cost `O(n²)` per vector and the `2n³` back-transformation
/// of a full eigenvector matrix is skipped. Backward stable: `‖A·u_k − λ_k·u_k‖` is a small multiple
/// of `n·ε·‖A‖`.
public struct SymmetricEigendecomposition: Sendable {
  /// Superdiagonals of the intermediate band matrix (the panel width of the first stage).
  static let bandwidth = 32

  /// The matrix order `n`.
  public let dimension: Int
  /// The eigenvalues in ascending order (tiny negative values are possible for a PSD matrix).
  public let eigenvalues: [Double]
  /// Row `order[k]` of `z` is the eigenvector of `T` for `eigenvalues[k]`.
  private let order: [Int]
  /// The eigenvectors of the tridiagonal `T`, one per row (unsorted, see `order`).
  private let z: [Double]
  /// `Q₁` and `Q₂`, with `U = Q₁·Q₂·Z`.
  private let bandReflectors: BlockReflectorSequence
  private let chaseReflectors: ChasedReflectors

  /// Decomposes the symmetric `n × n` matrix given row-major in `matrix` (both triangles).
  ///
  /// The matrix is used as `(A + Aᵀ)/2`, so the rounding asymmetry of a computed `J·Jᵀ` is
  /// harmless. Throws ``SolverError`` for a wrong element count, a non-finite entry, or (in
  /// theory) a QL iteration that fails to converge; throws `CancellationError` when the current
  /// task is cancelled (checked every few milliseconds of work), so a background task can stop.
  public init(symmetric matrix: [Double], dimension n: Int) throws {
    guard n >= 0 else { throw SolverError.invalidArgument("matrix dimension \(n) is negative") }
    let (square, overflow) = n.multipliedReportingOverflow(by: n)
    guard !overflow, matrix.count == square else {
      throw SolverError.notSquare(elementCount: matrix.count, dimension: n)
    }
    if let index = matrix.firstIndex(where: { !$0.isFinite }) {
      throw SolverError.nonFiniteMatrixEntry(row: index / n, column: index % n)
    }
    dimension = n
    let b = Self.bandwidth

    // Symmetrise and scale by a power of two (exact) so that the largest entry is about 1.
    var largest = 0.0
    for x in matrix { largest = max(largest, abs(x)) }
    guard largest > 0 else {
      eigenvalues = [Double](repeating: 0, count: n)
      order = Array(0..<n)
      var identity = [Double](repeating: 0, count: square)
      for i in 0..<n { identity[i * n + i] = 1 }
      z = identity
      bandReflectors = BlockReflectorSequence(dimension: n)
      chaseReflectors = try BulgeChasing(band: [Double](repeating: 0, count: n * (b + 1)), dimension: n, bandwidth: b).reflectors
      return
    }
    let scale = powerOfTwoScale(for: largest)
    let half = 0.5 * scale
    let ld = BandReduction.paddedStride(n)
    var a = [Double](repeating: 0, count: n * ld)  // the reduction reads the upper triangle only
    matrix.withUnsafeBufferPointer { m in
      a.withUnsafeMutableBufferPointer { a in
        // In 64×64 tiles, so that the transposed reads stay in cache.
        for i0 in stride(from: 0, to: n, by: 64) {
          for j0 in stride(from: i0, to: n, by: 64) {
            for i in i0..<min(i0 + 64, n) {
              for j in max(j0, i)..<min(j0 + 64, n) { a[i * ld + j] = half * m[i * n + j] + half * m[j * n + i] }
            }
          }
        }
      }
    }

    let reduction = try BandReduction(symmetric: consume a, dimension: n, rowStride: ld, bandwidth: b)
    let chase = try BulgeChasing(band: reduction.band, dimension: n, bandwidth: b)
    var values = chase.diagonal
    var z = [Double](repeating: 0, count: square)
    try z.withUnsafeMutableBufferPointer {
      try TridiagonalDivideAndConquer.diagonalize(diagonal: &values, offDiagonal: chase.offDiagonal, vectors: $0.baseAddress!)
    }
    order = SymmetricTridiagonalEigensolver.ascendingOrder(values)
    eigenvalues = order.map { values[$0] / scale }
    self.z = z
    bandReflectors = reduction.reflectors
    chaseReflectors = chase.reflectors
  }

  // MARK: - Using the decomposition

  /// The unit eigenvector of `eigenvalues[k]` (`0 ≤ k < dimension`): `Q₁·Q₂·z_k`, `O(n²)`.
  public func eigenvector(_ k: Int) -> [Double] {
    precondition(k >= 0 && k < dimension, "eigenvector index \(k) out of range 0..<\(dimension)")
    let n = dimension
    var u = Array(z[(order[k] * n)..<((order[k] + 1) * n)])
    u.withUnsafeMutableBufferPointer { transformRows($0.baseAddress!, count: 1, toEigenbasis: false) }
    return u
  }

  /// All eigenvectors, one per row: entry `k·n + i` is component `i` of the eigenvector of
  /// `eigenvalues[k]` (the matrix `Uᵀ`, row-major). Signs are arbitrary. Forms the whole matrix
  /// (`4n³` flops, `n²` doubles): for a few vectors or products use ``eigenvector(_:)`` and
  /// ``apply(_:to:)``.
  public var eigenvectors: [Double] {
    let n = dimension
    var u = [Double](repeating: 0, count: n * n)
    u.withUnsafeMutableBufferPointer { u in
      z.withUnsafeBufferPointer { z in
        for (k, row) in order.enumerated() { (u.baseAddress! + k * n).update(from: z.baseAddress! + row * n, count: n) }
      }
      if n > 0 { transformRows(u.baseAddress!, count: n, toEigenbasis: false) }
    }
    return u
  }

  /// Every row `x` of the row-major `count × n` matrix at `rows` becomes `Q₂ᵀ·Q₁ᵀ·x` (coordinates
  /// in the basis of `T`, `toEigenbasis`) or `Q₁·Q₂·x` (back).
  private func transformRows(_ rows: UnsafeMutablePointer<Double>, count: Int, toEigenbasis: Bool) {
    let n = dimension
    if toEigenbasis {
      bandReflectors.multiply(rowsOf: rows, rowCount: count, ldm: n, transposed: true)
      chaseReflectors.multiply(rowsOf: rows, rowCount: count, ldm: n, transposed: true)
    } else {
      chaseReflectors.multiply(rowsOf: rows, rowCount: count, ldm: n, transposed: false)
      bandReflectors.multiply(rowsOf: rows, rowCount: count, ldm: n, transposed: false)
    }
  }

  /// Eigenvalues at or below this count as zero by default: `n·ε·max|λ|` (NumPy's `matrix_rank`).
  public var defaultRankTolerance: Double {
    guard let first = eigenvalues.first, let last = eigenvalues.last else { return 0 }
    return Double(dimension) * Double.ulpOfOne * max(abs(first), abs(last))
  }

  /// The number of eigenvalues above `tolerance` (default ``defaultRankTolerance``).
  public func numericalRank(tolerance: Double? = nil) -> Int {
    let threshold = tolerance ?? defaultRankTolerance
    return eigenvalues.filter { $0 > threshold }.count
  }

  /// `Uᵀ·b`: the coordinates of `b` in the eigenbasis (entry `k` pairs with `eigenvalues[k]`).
  public func coefficients(of b: [Double]) throws(SolverError) -> [Double] {
    try SolverError.check(b, count: dimension, argument: "vector")
    return coefficients(ofRows: b, count: 1)
  }

  /// `U·c = Σ_k c[k]·u_k`: the vector with eigenbasis coordinates `c` (inverse of ``coefficients(of:)``).
  public func expand(_ c: [Double]) throws(SolverError) -> [Double] {
    try SolverError.check(c, count: dimension, argument: "coefficient vector")
    return expand(rows: c, count: 1)
  }

  /// `U·f(Λ)·Uᵀ·b`: the matrix function `f(A)` applied to `b` (`f(λ) = 0` drops a direction).
  public func apply(_ f: (Double) -> Double, to b: [Double]) throws(SolverError) -> [Double] {
    try apply(f, to: [b])[0]
  }

  /// `U·f(Λ)·Uᵀ·b` for several vectors at once: the reflectors and `Z` are read once for all
  /// of them (blocked products), which is much faster than one ``apply(_:to:)`` per vector.
  public func apply(_ f: (Double) -> Double, to vectors: [[Double]]) throws(SolverError) -> [[Double]] {
    let n = dimension, count = vectors.count
    for (i, b) in vectors.enumerated() { try SolverError.check(b, count: n, argument: count == 1 ? "vector" : "vector \(i)") }
    guard n > 0, count > 0 else { return vectors }
    var c = coefficients(ofRows: vectors.flatMap { $0 }, count: count)
    let weights = eigenvalues.map(f)
    for r in 0..<count {
      for k in 0..<n { c[r * n + k] *= weights[k] }
    }
    let x = expand(rows: c, count: count)
    return (0..<count).map { Array(x[($0 * n)..<(($0 + 1) * n)]) }
  }

  /// `Uᵀ·x` for every row `x` of the row-major `count × n` matrix `rows`.
  private func coefficients(ofRows rows: [Double], count: Int) -> [Double] {
    let n = dimension
    guard n > 0 else { return rows }
    var y = rows
    var unsorted = [Double](repeating: 0, count: count * n)
    y.withUnsafeMutableBufferPointer { y in
      transformRows(y.baseAddress!, count: count, toEigenbasis: true)
      z.withUnsafeBufferPointer { z in
        unsorted.withUnsafeMutableBufferPointer { c in
          Double.gemm(
            transposeA: false, transposeB: true, m: count, n: n, k: n, alpha: 1, a: y.baseAddress!, lda: n,
            b: z.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
        }
      }
    }
    var c = unsorted
    for r in 0..<count {
      for (k, j) in order.enumerated() { c[r * n + k] = unsorted[r * n + j] }
    }
    return c
  }

  /// `U·c` for every row `c` (eigenbasis coordinates) of the row-major `count × n` matrix `rows`.
  private func expand(rows: [Double], count: Int) -> [Double] {
    let n = dimension
    guard n > 0 else { return rows }
    var unsorted = rows
    for r in 0..<count {
      for (k, j) in order.enumerated() { unsorted[r * n + j] = rows[r * n + k] }
    }
    var x = [Double](repeating: 0, count: count * n)
    x.withUnsafeMutableBufferPointer { x in
      z.withUnsafeBufferPointer { z in
        unsorted.withUnsafeBufferPointer { c in
          Double.gemm(
            transposeA: false, transposeB: false, m: count, n: n, k: n, alpha: 1, a: c.baseAddress!, lda: n,
            b: z.baseAddress!, ldb: n, beta: 0, c: x.baseAddress!, ldc: n)
        }
      }
      transformRows(x.baseAddress!, count: count, toEigenbasis: false)
    }
    return x
  }

  /// `A⁺·b`, the pseudo-inverse over the numerical rank: `1/λ` for `λ > rankTolerance`
  /// (default ``defaultRankTolerance``), 0 otherwise. The minimum-norm least-squares solution.
  public func pseudoInverse(times b: [Double], rankTolerance: Double? = nil) throws(SolverError) -> [Double] {
    let threshold = rankTolerance ?? defaultRankTolerance
    guard threshold >= 0, !threshold.isNaN else { throw .invalidArgument("rank tolerance \(threshold) is negative") }
    return try apply({ $0 > threshold ? 1 / $0 : 0 }, to: b)
  }

  /// `(A + εI)⁻¹·b`, the ridge-regularised inverse, for `ε ≥ 0`. With `ε = 0` this is the
  /// pseudo-inverse (``pseudoInverse(times:rankTolerance:)``), since a singular `A` has no inverse;
  /// otherwise eigenvalues with `λ + ε ≤ 0` (rounding below zero) are dropped.
  public func ridgeInverse(times b: [Double], epsilon: Double) throws(SolverError) -> [Double] {
    guard epsilon >= 0, epsilon.isFinite else { throw .invalidArgument("ridge ε = \(epsilon) must be finite and ≥ 0") }
    if epsilon == 0 { return try pseudoInverse(times: b) }
    return try apply({ $0 + epsilon > 0 ? 1 / ($0 + epsilon) : 0 }, to: b)
  }
}
