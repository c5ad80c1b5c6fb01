import Autodiff

/// Extremal eigenpairs of a symmetric operator by the Lanczos iteration with full
/// reorthogonalisation: `λmax` and `λmin` of `J·Jᵀ` (the I2F bounds) and the top or bottom few
/// Ritz pairs, matrix-free.
///
/// Each step applies the operator once, orthogonalises the result against the whole basis twice
/// (classical Gram–Schmidt, "twice is enough"), and solves the small tridiagonal matrix `T` with
/// the same QL/QR code as the dense eigensolver. A Ritz pair `(θ, y)` counts as converged when its
/// residual `‖A·y − θ·y‖ = β·|last component of T's eigenvector|` is at most
/// `tolerance · max|θ|`; the eigenvalue error is then at most that residual (and usually about its
/// square over the gap). If the Krylov space becomes invariant before that (e.g. repeated
/// eigenvalues, which one start vector cannot resolve), the iteration restarts with a new random
/// vector orthogonal to the basis, so multiplicities are found too.
public struct Lanczos: Sendable {
  /// How many of the largest eigenvalues to return (in descending order).
  public var largestCount: Int
  /// How many of the smallest eigenvalues to return (in ascending order).
  public var smallestCount: Int
  /// Relative residual at which a Ritz pair counts as converged: `‖A·y − θ·y‖ ≤ tolerance·max|θ|`.
  /// So a small eigenvalue is accurate to about `tolerance·λmax` in absolute terms (usually much
  /// better, the error being close to the residual squared over the gap).
  public var tolerance: Double
  /// Operator applications allowed; `nil` means `min(n, 300)`. Never more than `n` are used.
  public var maxIterations: Int?
  /// Seed of the random start vector (and of restart vectors).
  public var seed: UInt64
  /// Whether to form the Ritz vectors (costs one small GEMM with the basis).
  public var computesVectors: Bool

  public init(
    largest: Int = 1, smallest: Int = 1, tolerance: Double = 1e-10, maxIterations: Int? = nil,
    seed: UInt64 = 0, computesVectors: Bool = false
  ) {
    largestCount = largest
    smallestCount = smallest
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.seed = seed
    self.computesVectors = computesVectors
  }

  /// Runs Lanczos on `op` (assumed symmetric). Throws ``SolverError`` for invalid options or
  /// operator output, `CancellationError` if the task is cancelled. Not converging within
  /// ``maxIterations`` is not an error: the result says so.
  public func eigenpairs(of op: some LinearOperator) throws -> LanczosResult {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    guard largestCount >= 0, smallestCount >= 0, largestCount + smallestCount > 0,
      largestCount <= n, smallestCount <= n
    else {
      throw SolverError.invalidArgument(
        "Lanczos needs 0…\(n) largest and smallest eigenvalues, not \(largestCount) and \(smallestCount) (and not none)")
    }
    guard tolerance > 0, tolerance.isFinite else { throw SolverError.invalidArgument("tolerance \(tolerance) must be > 0") }
    let limit = min(n, maxIterations ?? 300)
    guard limit > 0 else { throw SolverError.invalidArgument("maxIterations \(limit) must be > 0") }
    // Enough Ritz values to tell the largest from the smallest ones (all of them when n is small).
    let needed = min(n, largestCount + smallestCount)

    var rng = SeededRandom(seed: seed)
    var basis = [Double]()
    basis.reserveCapacity(limit * n)
    var alphas = [Double](), betas = [Double]()
    var q = rng.normalVector(count: n)
    scale(1 / norm(q), &q)
    var residualFactor = 0.0
    var normEstimate = 0.0
    var converged = false

    while alphas.count < limit {
      try Task.checkCancellation()
      let j = alphas.count
      basis.append(contentsOf: q)
      var w = try op.checkedApply(q)
      normEstimate = max(normEstimate, norm(w))
      var alpha = dot(q, w)
      axpy(-alpha, q, &w)
      if j > 0 { Self.subtract(betas[j - 1], row: j - 1, of: basis, dimension: n, from: &w) }
      for _ in 0..<2 {
        let h = Self.orthogonalize(&w, against: basis, rows: j + 1, dimension: n)
        alpha += h[j]
      }
      alphas.append(alpha)
      let beta = norm(w)
      residualFactor = beta

      let ritz = try Self.ritzPairs(alphas: alphas, betas: betas, vectors: false)
      let m = j + 1
      if m >= needed {
        let order = SymmetricTridiagonalEigensolver.ascendingOrder(ritz.values)
        let magnitude = max(abs(ritz.values[order[0]]), abs(ritz.values[order[m - 1]]))
        let requested = order.prefix(smallestCount) + order.suffix(largestCount)
        converged = requested.allSatisfy { beta * abs(ritz.lastComponent($0)) <= tolerance * magnitude }
      }
      if converged || m == limit { break }

      if beta <= 8 * Double.ulpOfOne * Double(n).squareRoot() * normEstimate {
        // The Krylov space is invariant: continue from a fresh direction orthogonal to it.
        var restart = rng.normalVector(count: n)
        scale(1 / norm(restart), &restart)
        for _ in 0..<2 { _ = Self.orthogonalize(&restart, against: basis, rows: m, dimension: n) }
        let length = norm(restart)
        guard length > 0.5 else { break }  // the basis already spans everything (numerically)
        scale(1 / length, &restart)
        betas.append(0)
        q = restart
      } else {
        betas.append(beta)
        q = w
        scale(1 / beta, &q)
      }
    }

    let m = alphas.count
    let ritz = try Self.ritzPairs(alphas: alphas, betas: betas, vectors: computesVectors)
    let order = SymmetricTridiagonalEigensolver.ascendingOrder(ritz.values)
    let largestIndices = Array(order.suffix(min(largestCount, m)).reversed())
    let smallestIndices = Array(order.prefix(min(smallestCount, m)))
    var vectors: [Int: [Double]] = [:]
    if computesVectors {
      let wanted = Array(Set(largestIndices + smallestIndices))
      let formed = Self.ritzVectors(wanted, eigenvectorsOfT: ritz.vectors, steps: m, basis: basis, dimension: n)
      for (index, vector) in zip(wanted, formed) { vectors[index] = vector }
    }
    func pair(_ k: Int) -> RitzPair {
      RitzPair(value: ritz.values[k], residualEstimate: residualFactor * abs(ritz.lastComponent(k)), vector: vectors[k])
    }
    return LanczosResult(
      largest: largestIndices.map(pair), smallest: smallestIndices.map(pair), iterations: m, converged: converged)
  }

  // MARK: - Pieces

  /// Eigenvalues of `T = tridiag(betas, alphas, betas)` with either all eigenvectors (rows of an
  /// `m × m` matrix) or only their last components.
  private struct TridiagonalRitz {
    var values: [Double]
    var vectors: [Double]
    var full: Bool
    func lastComponent(_ k: Int) -> Double {
      full ? vectors[k * values.count + values.count - 1] : vectors[k]
    }
  }

  private static func ritzPairs(
    alphas: [Double], betas: [Double], vectors full: Bool
  ) throws -> TridiagonalRitz {
    let m = alphas.count
    var d = alphas
    var e = Array(betas.prefix(m - 1))
    // All eigenvectors of T (rows of an m×m matrix), or only their last components: the m×1
    // column e_{m−1} of the identity, rotated along.
    let columns = full ? m : 1
    var z = [Double](repeating: 0, count: m * columns)
    try ColumnBlockedMatrix.withZeros(rowCount: m, columnCount: columns) { rotated in
      for i in 0..<m where full || i == m - 1 { rotated[i, full ? i : 0] = 1 }
      try SymmetricTridiagonalEigensolver.diagonalize(diagonal: &d, offDiagonal: &e, rotating: rotated)
      z.withUnsafeMutableBufferPointer { rotated.copyRows(Array(0..<m), to: $0.baseAddress!, rowStride: columns) }
    }
    return TridiagonalRitz(values: d, vectors: z, full: full)
  }

  /// `w −= Σ_i (q_iᵀ·w)·q_i` over the first `rows` basis vectors; returns the coefficients.
  private static func orthogonalize(_ w: inout [Double], against basis: [Double], rows: Int, dimension n: Int) -> [Double] {
    var h = [Double](repeating: 0, count: rows)
    basis.withUnsafeBufferPointer { basis in
      w.withUnsafeMutableBufferPointer { w in
        let Q = basis.baseAddress!, W = w.baseAddress!
        for i in 0..<rows { h[i] = VectorKernels.dot(Q + i * n, W, count: n) }
        for i in 0..<rows { VectorKernels.axpy(-h[i], Q + i * n, W, count: n) }
      }
    }
    return h
  }

  private static func subtract(_ c: Double, row: Int, of basis: [Double], dimension n: Int, from w: inout [Double]) {
    basis.withUnsafeBufferPointer { basis in
      w.withUnsafeMutableBufferPointer { w in
        VectorKernels.axpy(-c, basis.baseAddress! + row * n, w.baseAddress!, count: n)
      }
    }
  }

  /// `y_k = Σ_r Z[r, k]·q_r` for the requested `k`, as one GEMM with the basis.
  private static func ritzVectors(
    _ indices: [Int], eigenvectorsOfT z: [Double], steps m: Int, basis: [Double], dimension n: Int
  ) -> [[Double]] {
    guard !indices.isEmpty else { return [] }
    var selected = [Double](repeating: 0, count: indices.count * m)
    for (row, k) in indices.enumerated() {
      for r in 0..<m { selected[row * m + r] = z[k * m + r] }
    }
    var y = [Double](repeating: 0, count: indices.count * n)
    selected.withUnsafeBufferPointer { s in
      basis.withUnsafeBufferPointer { q in
        y.withUnsafeMutableBufferPointer { y in
          Double.gemm(
            transposeA: false, transposeB: false, m: indices.count, n: n, k: m,
            alpha: 1, a: s.baseAddress!, lda: m, b: q.baseAddress!, ldb: n, beta: 0, c: y.baseAddress!, ldc: n)
        }
      }
    }
    return (0..<indices.count).map { Array(y[($0 * n)..<(($0 + 1) * n)]) }
  }
}

/// An approximate eigenpair from ``Lanczos``.
public struct RitzPair: Sendable {
  /// The Ritz value θ.
  public let value: Double
  /// `‖A·y − θ·y‖` for the unit Ritz vector `y` (exact in exact arithmetic).
  public let residualEstimate: Double
  /// The unit Ritz vector `y`, if vectors were requested.
  public let vector: [Double]?
}

/// What ``Lanczos`` found.
public struct LanczosResult: Sendable {
  /// The largest Ritz pairs, in descending order.
  public let largest: [RitzPair]
  /// The smallest Ritz pairs, in ascending order.
  public let smallest: [RitzPair]
  /// Operator applications (= the order of the projected matrix `T`).
  public let iterations: Int
  /// Whether every requested pair met the residual tolerance.
  public let converged: Bool

  /// The largest Ritz value, if requested.
  public var largestEigenvalue: Double? { largest.first?.value }
  /// The smallest Ritz value, if requested.
  public var smallestEigenvalue: Double? { smallest.first?.value }
}
