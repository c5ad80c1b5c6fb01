import Autodiff

/// `A = U·diag(λ)·Uᵀ` for a dense symmetric matrix, in Float64: the dense path of I2F.
///
/// Computed once per (model, sample) for `A = J·Jᵀ`; afterwards every perturbation costs two
/// matrix–vector products (``coefficients(of:)`` and ``expand(_:)``, or ``apply(_:to:)``).
/// Method: blocked Householder tridiagonalisation, divide and conquer on the tridiagonal matrix
/// (``TridiagonalDivideAndConquer``: deflation, secular equation, Löwner eigenvectors, GEMM
/// merges on both cores), and a GEMM back-transformation by blocks of reflectors. Backward stable: `‖A·u_k − λ_k·u_k‖` is a small multiple of `n·ε·‖A‖`.
public struct SymmetricEigendecomposition: Sendable {
  /// The matrix order `n`.
  public let dimension: Int
  /// The eigenvalues in ascending order (tiny negative values are possible for a PSD matrix).
  public let eigenvalues: [Double]
  /// The orthonormal eigenvectors, one per row: `eigenvectors[k * n + i]` is component `i` of the
  /// eigenvector of `eigenvalues[k]` (the matrix `Uᵀ`, row-major). Signs are arbitrary.
  public let eigenvectors: [Double]

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

    // Symmetrise and scale by a power of two (exact) so that the largest entry is about 1.
    var largest = 0.0
    for x in matrix { largest = max(largest, abs(x)) }
    guard largest > 0 else {
      eigenvalues = [Double](repeating: 0, count: n)
      eigenvectors = Self.identity(n)
      return
    }
    let scale = powerOfTwoScale(for: largest)
    let half = 0.5 * scale
    var a = [Double](repeating: 0, count: square)  // the reduction reads the upper triangle only
    matrix.withUnsafeBufferPointer { m in
      a.withUnsafeMutableBufferPointer { a in
        // In 64×64 tiles, so that the transposed reads stay in cache.
        for i0 in stride(from: 0, to: n, by: 64) {
          for j0 in stride(from: i0, to: n, by: 64) {
            for i in i0..<min(i0 + 64, n) {
              for j in max(j0, i)..<min(j0 + 64, n) { a[i * n + j] = half * m[i * n + j] + half * m[j * n + i] }
            }
          }
        }
      }
    }

    let reduction = try HouseholderTridiagonalization(symmetric: consume a, dimension: n)
    var values = reduction.diagonal
    // Eigenvectors of T (rows), then sorted by eigenvalue, then u_k = Q·z_k.
    var z = [Double](repeating: 0, count: square)
    try z.withUnsafeMutableBufferPointer {
      try TridiagonalDivideAndConquer.diagonalize(diagonal: &values, offDiagonal: reduction.offDiagonal, vectors: $0.baseAddress!)
    }
    let order = SymmetricTridiagonalEigensolver.ascendingOrder(values)
    var u = [Double](repeating: 0, count: square)
    z.withUnsafeBufferPointer { z in
      u.withUnsafeMutableBufferPointer { u in
        for (k, row) in order.enumerated() { (u.baseAddress! + k * n).update(from: z.baseAddress! + row * n, count: n) }
      }
    }
    try u.withUnsafeMutableBufferPointer { try reduction.applyQTransposed(toRowsOf: $0.baseAddress!, rowCount: n) }
    eigenvalues = order.map { values[$0] / scale }
    eigenvectors = u
  }

  private static func identity(_ n: Int) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n { m[i * n + i] = 1 }
    return m
  }

  // MARK: - Using the decomposition

  /// The unit eigenvector of `eigenvalues[k]` (`0 ≤ k < dimension`).
  public func eigenvector(_ k: Int) -> [Double] {
    precondition(k >= 0 && k < dimension, "eigenvector index \(k) out of range 0..<\(dimension)")
    return Array(eigenvectors[(k * dimension)..<((k + 1) * dimension)])
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
    let n = dimension
    var c = [Double](repeating: 0, count: n)
    guard n > 0 else { return c }
    eigenvectors.withUnsafeBufferPointer { u in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          let U = u.baseAddress!, B = b.baseAddress!, C = c.baseAddress!
          Parallel.forEachChunk(n, costPerItem: n) { rows in
            for k in rows { C[k] = VectorKernels.dot(U + k * n, B, count: n) }
          }
        }
      }
    }
    return c
  }

  /// `U·c = Σ_k c[k]·u_k`: the vector with eigenbasis coordinates `c` (inverse of ``coefficients(of:)``).
  public func expand(_ c: [Double]) throws(SolverError) -> [Double] {
    try SolverError.check(c, count: dimension, argument: "coefficient vector")
    let n = dimension
    var x = [Double](repeating: 0, count: n)
    guard n > 0 else { return x }
    eigenvectors.withUnsafeBufferPointer { u in
      c.withUnsafeBufferPointer { c in
        x.withUnsafeMutableBufferPointer { x in
          let U = u.baseAddress!, C = c.baseAddress!, X = x.baseAddress!
          // Each core accumulates its own slice of components over all eigenvectors.
          Parallel.forEachChunk(n, costPerItem: n) { components in
            let offset = components.lowerBound, count = components.count
            for k in 0..<n where C[k] != 0 {
              VectorKernels.axpy(C[k], U + k * n + offset, X + offset, count: count)
            }
          }
        }
      }
    }
    return x
  }

  /// `U·f(Λ)·Uᵀ·b`: the matrix function `f(A)` applied to `b` (`f(λ) = 0` drops a direction).
  public func apply(_ f: (Double) -> Double, to b: [Double]) throws(SolverError) -> [Double] {
    var c = try coefficients(of: b)
    for k in 0..<dimension { c[k] *= f(eigenvalues[k]) }
    return try expand(c)
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
