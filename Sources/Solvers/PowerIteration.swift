import Autodiff

/// The largest eigenvalue of a symmetric positive semi-definite operator by power iteration: the
/// cheap path to `λmax(J·Jᵀ)` for the I2F lower bound `‖J·δ‖ / λmax`.
///
/// Iterates `x ← A·x / ‖A·x‖` from a seeded random start and stops when the Rayleigh quotient
/// `xᵀ·A·x` changes by at most `tolerance` relative to itself. The quotient approaches `λmax`
/// from below; when the top two eigenvalues are close, convergence is slow and the stopping
/// rule may fire early (use ``Lanczos`` when that matters).
public struct PowerIteration: Sendable {
  /// Stop when `|λ_k − λ_{k−1}| ≤ tolerance · |λ_k|`.
  public var tolerance: Double
  /// Operator applications allowed.
  public var maxIterations: Int
  /// Seed of the random start vector.
  public var seed: UInt64

  public init(tolerance: Double = 1e-8, maxIterations: Int = 1000, seed: UInt64 = 0) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.seed = seed
  }

  /// Estimates `λmax` of `op` (assumed symmetric PSD). Throws ``SolverError`` for invalid
  /// options or operator output, `CancellationError` if the task is cancelled.
  public func largestEigenvalue(of op: some LinearOperator) throws -> PowerIterationResult {
    guard op.dimension > 0 else { throw SolverError.invalidArgument("operator dimension is \(op.dimension)") }
    guard tolerance > 0, tolerance.isFinite else { throw SolverError.invalidArgument("tolerance \(tolerance) must be > 0") }
    guard maxIterations > 0 else { throw SolverError.invalidArgument("maxIterations \(maxIterations) must be > 0") }

    var rng = SeededRandom(seed: seed)
    var x = rng.normalVector(count: op.dimension)
    scale(1 / norm(x), &x)
    var estimate = 0.0
    var change = Double.infinity
    for iteration in 1...maxIterations {
      try Task.checkCancellation()
      var y = try op.checkedApply(x)
      let previous = estimate
      estimate = dot(x, y)
      let length = norm(y)
      guard length > 0 else {
        // A·x = 0 for a random x: the operator is zero (almost surely).
        return PowerIterationResult(
          eigenvalue: 0, eigenvector: x, iterations: iteration, converged: true, relativeChange: 0)
      }
      change = iteration == 1 ? .infinity : abs(estimate - previous) / abs(estimate)
      scale(1 / length, &y)
      if change <= tolerance {
        return PowerIterationResult(
          eigenvalue: estimate, eigenvector: x, iterations: iteration, converged: true, relativeChange: change)
      }
      x = y
    }
    return PowerIterationResult(
      eigenvalue: estimate, eigenvector: x, iterations: maxIterations, converged: false, relativeChange: change)
  }
}

/// What ``PowerIteration`` found.
public struct PowerIterationResult: Sendable {
  /// The Rayleigh quotient `xᵀ·A·x` of the last iterate: a lower bound of `λmax` for a PSD operator.
  public let eigenvalue: Double
  /// The unit iterate `x` whose Rayleigh quotient is ``eigenvalue``.
  public let eigenvector: [Double]
  /// Operator applications performed.
  public let iterations: Int
  /// Whether the stopping rule was met within the iteration limit.
  public let converged: Bool
  /// The last relative change of the estimate (∞ after a single iteration).
  public let relativeChange: Double
}
