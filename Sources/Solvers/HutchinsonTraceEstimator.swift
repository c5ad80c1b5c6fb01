import Autodiff

/// Estimates `tr((A + ε·I)⁻¹)` for a symmetric positive semi-definite operator `A` by Hutchinson's
/// method: the mean of `zᵀ·(A + εI)⁻¹·z` over seeded Rademacher probes `z` (entries ±1), each
/// solved by ``ConjugateGradient``. Gives the expected I2F under Gaussian noise,
/// `E‖I2F‖² = σ²·tr((J·Jᵀ)⁻¹)`, without the spectrum.
public struct HutchinsonTraceEstimator: Sendable {
  /// Probes drawn at most.
  public var probeCount: Int
  /// Stop early once the standard error is at most this fraction of the estimate (nil: never).
  public var targetRelativeStandardError: Double?
  /// Probes drawn at least before stopping early (≥ 2, for a standard error).
  public var minimumProbeCount: Int
  /// Seed of the probe stream.
  public var seed: UInt64
  /// The solver for each probe.
  public var solver: ConjugateGradient

  public init(
    probeCount: Int = 32, targetRelativeStandardError: Double? = nil, minimumProbeCount: Int = 8,
    seed: UInt64 = 0, solver: ConjugateGradient = ConjugateGradient()
  ) {
    self.probeCount = probeCount
    self.targetRelativeStandardError = targetRelativeStandardError
    self.minimumProbeCount = minimumProbeCount
    self.seed = seed
    self.solver = solver
  }

  /// Estimates `tr((op + shift·I)⁻¹)`, each probe's solve preconditioned by `preconditioner` if
  /// given. Throws ``SolverError`` for invalid options or operator output, `CancellationError` if
  /// the task is cancelled.
  public func traceOfInverse(
    of op: some LinearOperator, shift: Double = 0, preconditioner: SpectralPreconditioner? = nil
  ) throws -> HutchinsonResult {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    guard probeCount >= 2 else { throw SolverError.invalidArgument("probeCount \(probeCount) must be ≥ 2") }
    guard minimumProbeCount >= 2 else {
      throw SolverError.invalidArgument("minimumProbeCount \(minimumProbeCount) must be ≥ 2")
    }
    if let target = targetRelativeStandardError, !(target > 0) {
      throw SolverError.invalidArgument("targetRelativeStandardError \(target) must be > 0")
    }

    var rng = SeededRandom(seed: seed)
    // Welford's running mean and sum of squared deviations.
    var mean = 0.0, squares = 0.0
    var probes = 0, iterations = 0, allConverged = true
    var standardError = Double.infinity
    while probes < probeCount {
      try Task.checkCancellation()
      let z = rng.rademacherVector(count: n)
      let solve = try solver.solve(op, rhs: z, shift: shift, preconditioner: preconditioner)
      iterations += solve.iterations
      allConverged = allConverged && solve.converged
      let sample = dot(z, solve.solution)
      probes += 1
      let delta = sample - mean
      mean += delta / Double(probes)
      squares += delta * (sample - mean)
      if probes >= 2 {
        standardError = (squares / Double(probes - 1) / Double(probes)).squareRoot()
      }
      if let target = targetRelativeStandardError, probes >= minimumProbeCount,
        standardError <= target * abs(mean)
      {
        break
      }
    }
    return HutchinsonResult(
      estimate: mean, standardError: standardError, probeCount: probes,
      solverIterations: iterations, allSolvesConverged: allConverged)
  }
}

/// What ``HutchinsonTraceEstimator`` found.
public struct HutchinsonResult: Sendable {
  /// The mean of `zᵀ·(A + εI)⁻¹·z` over the probes.
  public let estimate: Double
  /// The standard error of that mean (sample standard deviation / √probes).
  public let standardError: Double
  /// Probes used.
  public let probeCount: Int
  /// CG steps summed over all probes.
  public let solverIterations: Int
  /// Whether every probe's CG solve met its tolerance.
  public let allSolvesConverged: Bool
}
