import Autodiff
import Foundation

/// Solves `(A + ε·I)·z = b` for a symmetric positive semi-definite operator `A` by (optionally
/// preconditioned) conjugate gradients: the matrix-free I2F, `z = (J·Jᵀ + ε·I)⁻¹·J·δ`.
///
/// Stopping rule: the iteration stops when either
/// - the relative residual `‖b − (A + εI)·z‖ / ‖b‖` is at most ``tolerance`` (the residual is
///   updated by the usual recurrence; when that says "converged", the true residual is computed —
///   one extra application — and, if it disagrees, the iteration restarts from it, so a reported
///   convergence is always on a true residual); or
/// - ``errorTolerance`` is set and the Hestenes–Stiefel estimate of the relative energy-norm error
///   `‖x − z_k‖_{A+εI} / ‖x‖_{A+εI}` is at most it. That estimate is
///   `sqrt((Σ_{i=k−d}^{k−1} δ_i + δ_{k−1}·q/(1 − q)) / bᵀz_k)` with `δ_i = α_i·r_iᵀM⁻¹r_i` over
///   the last `d =` ``errorEstimateDelay`` steps (the CG–Lanczos / Gauss quadrature identity
///   `‖e_i‖²_A − ‖e_{i+d}‖²_A = Σ δ_j`) and the tail beyond them extrapolated with the window's
///   rate of decrease `q` between its two halves (capped at 0.999), so a stagnating phase is not mistaken for
///   convergence. It estimates the error `d` steps back and so, since the energy error decreases
///   monotonically, errs on the safe side for the current iterate. For a start at zero,
///   `bᵀx − bᵀz_k = ‖x − z_k‖²_A` exactly: the quadratic form `bᵀ(A + εI)⁻¹b` (a Hutchinson
///   sample, the squared I2F norm) has relative error the *square* of this estimate.
/// For a rigorous 2-norm bound use ``ConjugateGradientResult/solutionErrorBound(lowerEigenvalueBound:)``.
/// A non-positive curvature `pᵀ·(A + εI)·p ≤ 0` (an indefinite or singular operator) ends the
/// iteration as a breakdown instead of dividing by it.
public struct ConjugateGradient: Sendable {
  /// Target relative residual `‖r‖ / ‖b‖`.
  public var tolerance: Double
  /// CG steps allowed; `nil` means `max(2·n, 100)`.
  public var maxIterations: Int?
  /// Target relative energy-norm error (Hestenes–Stiefel estimate); `nil` stops on the residual only.
  public var errorTolerance: Double?
  /// Steps `d` summed by the Hestenes–Stiefel error estimate (larger: closer to the true error).
  public var errorEstimateDelay: Int

  public init(tolerance: Double = 1e-8, maxIterations: Int? = nil, errorTolerance: Double? = nil, errorEstimateDelay: Int = 8) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.errorTolerance = errorTolerance
    self.errorEstimateDelay = errorEstimateDelay
  }

  /// Solves `(A + shift·I)·z = b`, starting from `initialGuess` (zero if nil, or the
  /// preconditioner's ``SpectralPreconditioner/initialGuess(for:)`` when one is given and no
  /// guess is), preconditioned by `preconditioner` (built for the same shift). Throws
  /// ``SolverError`` for invalid arguments or operator output, `CancellationError` if cancelled.
  public func solve(
    _ op: some LinearOperator, rhs b: [Double], shift: Double = 0, initialGuess: [Double]? = nil,
    preconditioner: SpectralPreconditioner? = nil
  ) throws -> ConjugateGradientResult {
    let limit = try validated(op, shift: shift, preconditioner: preconditioner)
    try SolverError.check(b, count: op.dimension, argument: "right-hand side")
    if let initialGuess { try SolverError.check(initialGuess, count: op.dimension, argument: "initial guess") }
    var iteration = ConjugateGradientIteration(
      self, rhs: b, shift: shift, start: initialGuess ?? preconditioner?.initialGuess(for: b), preconditioner: preconditioner, limit: limit)
    while let v = iteration.request {
      try Task.checkCancellation()
      iteration.receive(try op.checkedApply(v, shift: shift))
    }
    return iteration.result
  }

  /// Solves `(A + shift·I)·z_i = b_i` for every right-hand side, in lockstep: each step applies
  /// the operator once to a batch of all the systems' vectors (``LinearOperator/apply(batch:)``,
  /// where a matrix-free `J·Jᵀ` runs one batched pass instead of one pass per vector). Each
  /// system follows exactly the iteration ``solve(_:rhs:shift:initialGuess:preconditioner:)``
  /// would give it and stops on its own; a finished system's slot is sent as zeros while others
  /// continue, so the operator always sees the same batch size (compiled batched passes are
  /// built per size). Starts at zero or the preconditioner's guess.
  public func solve(
    _ op: some LinearOperator, rhs: [[Double]], shift: Double = 0, preconditioner: SpectralPreconditioner? = nil
  ) throws -> [ConjugateGradientResult] {
    let limit = try validated(op, shift: shift, preconditioner: preconditioner)
    for b in rhs { try SolverError.check(b, count: op.dimension, argument: "right-hand side") }
    var systems = rhs.map { b in
      ConjugateGradientIteration(self, rhs: b, shift: shift, start: preconditioner?.initialGuess(for: b), preconditioner: preconditioner, limit: limit)
    }
    let idle = [Double](repeating: 0, count: op.dimension)
    while systems.contains(where: { $0.request != nil }) {
      try Task.checkCancellation()
      let requests = systems.map(\.request)
      let answers = try op.checkedApply(batch: requests.map { $0 ?? idle }, shift: shift)
      for i in systems.indices where requests[i] != nil { systems[i].receive(answers[i]) }
    }
    return systems.map(\.result)
  }

  /// Checks the options against `op`; the iteration limit.
  private func validated(_ op: some LinearOperator, shift: Double, preconditioner: SpectralPreconditioner?) throws -> Int {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    guard tolerance > 0, tolerance.isFinite else { throw SolverError.invalidArgument("tolerance \(tolerance) must be > 0") }
    guard shift >= 0, shift.isFinite else { throw SolverError.invalidArgument("shift \(shift) must be finite and ≥ 0") }
    if let errorTolerance, !(errorTolerance > 0) {
      throw SolverError.invalidArgument("errorTolerance \(errorTolerance) must be > 0")
    }
    guard errorEstimateDelay >= 1 else { throw SolverError.invalidArgument("errorEstimateDelay \(errorEstimateDelay) must be ≥ 1") }
    let limit = maxIterations ?? max(2 * n, 100)
    guard limit >= 0 else { throw SolverError.invalidArgument("maxIterations \(limit) must be ≥ 0") }
    if let preconditioner {
      guard preconditioner.dimension == n else {
        throw SolverError.dimensionMismatch(argument: "preconditioner", expected: n, actual: preconditioner.dimension)
      }
      guard preconditioner.shift == shift else {
        throw SolverError.invalidArgument("preconditioner built for shift \(preconditioner.shift), system has \(shift)")
      }
    }
    return limit
  }
}

/// What ``ConjugateGradient`` produced.
public struct ConjugateGradientResult: Sendable {
  /// Why the iteration stopped.
  public enum Termination: Sendable, Equatable {
    /// The relative residual reached the tolerance.
    case converged
    /// The Hestenes–Stiefel estimate of the relative energy-norm error reached `errorTolerance`.
    case errorEstimateConverged
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
  /// `‖b − (A + εI)·z‖`, the absolute residual.
  public let residualNorm: Double
  /// The shift `ε` of the solved system.
  public let shift: Double
  /// Hestenes–Stiefel estimate of the energy-norm error `‖x − z‖_{A+εI}` (see ``ConjugateGradient``);
  /// its square estimates the error of the quadratic form `bᵀz` when the start was zero.
  public let energyErrorEstimate: Double
  /// ``energyErrorEstimate`` relative to `sqrt(bᵀz) ≈ ‖x‖_{A+εI}` (infinite while `bᵀz ≤ 0`).
  public let relativeEnergyErrorEstimate: Double
  /// Why the iteration stopped.
  public let termination: Termination
  /// Whether a stopping criterion (residual or error estimate) was met.
  public var converged: Bool { termination == .converged || termination == .errorEstimateConverged }

  /// A rigorous bound on `‖x − z‖₂` given a lower bound `λ` on the smallest eigenvalue of `A`
  /// (e.g. `θ − ‖r‖` of Lanczos' smallest Ritz pair, or 0 for a PSD `A` with `ε > 0`):
  /// `‖(A + εI)⁻¹·r‖ ≤ ‖r‖ / (λ + ε)`; infinite when `λ + ε ≤ 0`.
  public func solutionErrorBound(lowerEigenvalueBound lambda: Double) -> Double {
    let floor = lambda + shift
    return floor > 0 ? residualNorm / floor : .infinity
  }
}
