import Autodiff

/// Estimates `tr((A + ε·I)⁻¹)` for a symmetric positive semi-definite operator `A` by Hutch++
/// (Meyer, Musco, Musco and Woodruff, 2021): with `k = solveCount / 3`,
/// 1. `Q` = an orthonormal basis of `(A + εI)⁻¹·S` for `k` Rademacher probes `S`;
/// 2. the trace over `Q` exactly, `Σ_i q_iᵀ·(A + εI)⁻¹·q_i`;
/// 3. plus Hutchinson's estimate of the trace of the rest, `(I − QQᵀ)·(A + εI)⁻¹·(I − QQᵀ)`,
///    from `k` more probes.
/// `(A + εI)⁻¹` of an ill-conditioned `J·Jᵀ` is dominated by a few large values (the small
/// eigenvalues of `A`), which step 1 captures, so the sampled remainder has far less variance
/// than plain ``HutchinsonTraceEstimator`` with the same `solveCount` solves (its error falls like
/// `1/solveCount` instead of `1/√solveCount` when the spectrum decays). Each solve is one
/// ``ConjugateGradient`` run, optionally with a ``SpectralPreconditioner``.
public struct HutchPlusPlusTraceEstimator: Sendable {
  /// Linear solves in total (a multiple of 3, at least 6): a third each for the range sketch, the
  /// exact part and the sampled remainder.
  public var solveCount: Int
  /// Seed of the probe stream.
  public var seed: UInt64
  /// The solver for each column.
  public var solver: ConjugateGradient

  public init(solveCount: Int = 48, seed: UInt64 = 0, solver: ConjugateGradient = ConjugateGradient()) {
    self.solveCount = solveCount
    self.seed = seed
    self.solver = solver
  }

  /// Estimates `tr((op + shift·I)⁻¹)`. Throws ``SolverError`` for invalid options or operator
  /// output, `CancellationError` if the task is cancelled.
  public func traceOfInverse(
    of op: some LinearOperator, shift: Double = 0, preconditioner: SpectralPreconditioner? = nil
  ) throws -> HutchPlusPlusResult {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    guard solveCount >= 6, solveCount % 3 == 0 else {
      throw SolverError.invalidArgument("Hutch++ solveCount \(solveCount) must be a multiple of 3 and ≥ 6")
    }
    let k = solveCount / 3
    var rng = SeededRandom(seed: seed)
    var iterations = 0, solves = 0, allConverged = true
    // Each third's k solves are independent: one lockstep batch each.
    func solve(_ rhs: [[Double]]) throws -> [[Double]] {
      let results = try solver.solve(op, rhs: rhs, shift: shift, preconditioner: preconditioner)
      for result in results {
        iterations += result.iterations
        solves += 1
        allConverged = allConverged && result.converged
      }
      return results.map(\.solution)
    }

    // 1. Sketch of the dominant range, orthonormalised (twice), dependent columns dropped.
    var basis: [[Double]] = []
    for var y in try solve((0..<k).map { _ in rng.rademacherVector(count: n) }) {
      let length = norm(y)
      guard length > 0 else { continue }
      for _ in 0..<2 {
        for q in basis { axpy(-dot(q, y), q, &y) }
      }
      let remaining = norm(y)
      guard remaining > 1e-10 * length else { continue }
      scale(1 / remaining, &y)
      basis.append(y)
    }
    // 2. Its exact contribution.
    var lowRank = 0.0
    for (q, x) in zip(basis, try solve(basis)) { lowRank += dot(q, x) }
    // 3. Hutchinson on the deflated remainder.
    let probes = (0..<k).map { _ in
      var g = rng.rademacherVector(count: n)
      for q in basis { axpy(-dot(q, g), q, &g) }
      return g
    }
    var mean = 0.0, squares = 0.0
    for (i, (g, x)) in zip(probes, try solve(probes)).enumerated() {
      let sample = dot(g, x)
      let delta = sample - mean
      mean += delta / Double(i + 1)
      squares += delta * (sample - mean)
    }
    let standardError = k > 1 ? (squares / Double(k - 1) / Double(k)).squareRoot() : .infinity
    return HutchPlusPlusResult(
      estimate: lowRank + mean, standardError: standardError, lowRankTrace: lowRank, lowRankDimension: basis.count,
      solves: solves, solverIterations: iterations, allSolvesConverged: allConverged)
  }
}

/// What ``HutchPlusPlusTraceEstimator`` found.
public struct HutchPlusPlusResult: Sendable {
  /// `tr(Qᵀ·(A + εI)⁻¹·Q)` plus the sampled trace of the remainder.
  public let estimate: Double
  /// The standard error of the sampled part (the low-rank part is exact up to the solves).
  public let standardError: Double
  /// The exact trace over the sketched range.
  public let lowRankTrace: Double
  /// Columns of `Q` kept (fewer than `solveCount/3` if the sketch was rank-deficient).
  public let lowRankDimension: Int
  /// Linear solves performed.
  public let solves: Int
  /// CG steps summed over all solves.
  public let solverIterations: Int
  /// Whether every CG solve met its stopping criterion.
  public let allSolvesConverged: Bool
}
