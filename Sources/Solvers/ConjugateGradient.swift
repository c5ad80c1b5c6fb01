import Autodiff

/// Solves `(A + ε·I)·z = b` for a symmetric positive semi-definite operator `A` by conjugate
/// gradients: the matrix-free I2F, `z = (J·Jᵀ + ε·I)⁻¹·J·δ`.
///
/// Stops when the relative residual `‖b − (A + εI)·z‖ / ‖b‖` is at most `tolerance`. The
/// residual is updated by the usual recurrence; when that says "converged", the true residual is
/// computed (one extra application) and, if it disagrees, the iteration restarts from it, so the
/// reported residual is always a true one. A non-positive curvature `pᵀ·(A + εI)·p ≤ 0` (an
/// indefinite or singular operator) ends the iteration as a breakdown instead of dividing by it.
public struct ConjugateGradient: Sendable {
  /// Target relative residual `‖r‖ / ‖b‖`.
  public var tolerance: Double
  /// CG steps allowed; `nil` means `max(2·n, 100)`.
  public var maxIterations: Int?

  public init(tolerance: Double = 1e-8, maxIterations: Int? = nil) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
  }

  /// Solves `(A + shift·I)·z = b`, starting from `initialGuess` (zero if nil). Throws
  /// ``SolverError`` for invalid arguments or operator output, `CancellationError` if cancelled.
  public func solve(
    _ op: some LinearOperator, rhs b: [Double], shift: Double = 0, initialGuess: [Double]? = nil
  ) throws -> ConjugateGradientResult {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    guard tolerance > 0, tolerance.isFinite else { throw SolverError.invalidArgument("tolerance \(tolerance) must be > 0") }
    guard shift >= 0, shift.isFinite else { throw SolverError.invalidArgument("shift \(shift) must be finite and ≥ 0") }
    let limit = maxIterations ?? max(2 * n, 100)
    guard limit >= 0 else { throw SolverError.invalidArgument("maxIterations \(limit) must be ≥ 0") }
    try SolverError.check(b, count: n, argument: "right-hand side")
    if let initialGuess { try SolverError.check(initialGuess, count: n, argument: "initial guess") }

    let bNorm = norm(b)
    guard bNorm > 0 else {
      return ConjugateGradientResult(
        solution: [Double](repeating: 0, count: n), iterations: 0, applications: 0,
        relativeResidual: 0, termination: .converged)
    }
    var applications = 0
    var z = initialGuess ?? [Double](repeating: 0, count: n)
    var r = b
    if initialGuess != nil {
      try Task.checkCancellation()
      axpy(-1, try op.checkedApply(z, shift: shift), &r)
      applications += 1
    }
    var rr = dot(r, r)
    var p = r
    var iterations = 0
    var termination = ConjugateGradientResult.Termination.maxIterations
    var residualIsExact = true

    while true {
      if rr.squareRoot() <= tolerance * bNorm {
        // The recurrence says converged: confirm with the true residual.
        if residualIsExact {
          termination = .converged
          break
        }
        try Task.checkCancellation()
        var trueResidual = b
        axpy(-1, try op.checkedApply(z, shift: shift), &trueResidual)
        applications += 1
        r = trueResidual
        rr = dot(r, r)
        residualIsExact = true
        if rr.squareRoot() <= tolerance * bNorm {
          termination = .converged
          break
        }
        p = r  // restart from the true residual
      }
      guard iterations < limit else { break }
      try Task.checkCancellation()
      let ap = try op.checkedApply(p, shift: shift)
      applications += 1
      iterations += 1
      let curvature = dot(p, ap)
      guard curvature > 0 else {
        termination = .breakdown
        break
      }
      let step = rr / curvature
      axpy(step, p, &z)
      axpy(-step, ap, &r)
      residualIsExact = false
      let rrNext = dot(r, r)
      let beta = rrNext / rr
      rr = rrNext
      // p ← r + β·p
      scale(beta, &p)
      axpy(1, r, &p)
    }
    return ConjugateGradientResult(
      solution: z, iterations: iterations, applications: applications,
      relativeResidual: rr.squareRoot() / bNorm, termination: termination)
  }
}

/// What ``ConjugateGradient`` produced.
public struct ConjugateGradientResult: Sendable {
  /// Why the iteration stopped.
  public enum Termination: Sendable, Equatable {
    /// The relative residual reached the tolerance.
    case converged
    /// The iteration limit was reached first.
    case maxIterations
    /// `pᵀ·(A + εI)·p ≤ 0`: the operator is not positive definite on the Krylov space.
    case breakdown
  }

  /// The approximate solution `z`.
  public let solution: [Double]
  /// CG steps taken.
  public let iterations: Int
  /// Operator applications, including those for a warm start and for residual checks.
  public let applications: Int
  /// `‖b − (A + εI)·z‖ / ‖b‖` (by recurrence, confirmed exactly whenever it met the tolerance).
  public let relativeResidual: Double
  /// Why the iteration stopped.
  public let termination: Termination
  /// Whether the tolerance was met.
  public var converged: Bool { termination == .converged }
}
