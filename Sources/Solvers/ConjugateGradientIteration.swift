import Autodiff
import Foundation

/// One system's conjugate-gradient iteration, advanced by the operator's answers: it asks for
/// `(A + εI)·v` (``request``), is given it (``receive(_:)``) and decides what it needs next. The
/// algorithm and its stopping rules are those documented on ``ConjugateGradient``; driving it this
/// way lets one system run alone or many run in lockstep, one batched application per step.
struct ConjugateGradientIteration {
  private enum Pending {
    /// `(A + εI)·z` for the residual of a non-zero start.
    case startResidual
    /// `(A + εI)·z` to confirm a convergence the recurrence reports.
    case trueResidual
    /// `(A + εI)·p`, one CG step.
    case step
  }

  private let b: [Double]
  private let bNorm: Double
  private let shift: Double
  private let tolerance: Double
  private let errorTolerance: Double?
  private let errorEstimateDelay: Int
  private let limit: Int
  private let preconditioner: SpectralPreconditioner?

  private var z: [Double]
  private var r: [Double]
  private var rr = 0.0
  private var s: [Double] = []
  private var gamma = 0.0
  private var p: [Double] = []
  private var iterations = 0
  private var applications = 0
  private var termination = ConjugateGradientResult.Termination.maxIterations
  private var residualIsExact = true
  /// α_i·γ_i of the steps so far, for the Hestenes–Stiefel estimate.
  private var decrements: [Double] = []
  private var pending: Pending?

  /// The iteration for `(A + shift·I)·z = b` from `start` (zero if nil); arguments checked by
  /// ``ConjugateGradient``.
  init(_ solver: ConjugateGradient, rhs b: [Double], shift: Double, start: [Double]?, preconditioner: SpectralPreconditioner?, limit: Int) {
    self.b = b
    bNorm = norm(b)
    self.shift = shift
    tolerance = solver.tolerance
    errorTolerance = solver.errorTolerance
    errorEstimateDelay = solver.errorEstimateDelay
    self.limit = limit
    self.preconditioner = preconditioner
    r = b
    guard bNorm > 0 else {
      z = [Double](repeating: 0, count: b.count)
      termination = .converged
      return
    }
    z = start ?? [Double](repeating: 0, count: b.count)
    if start != nil {
      pending = .startResidual
    } else {
      restart()
      advance()
    }
  }

  /// The vector to apply `A + εI` to next; nil once the iteration has ended.
  var request: [Double]? {
    switch pending {
    case .startResidual, .trueResidual: z
    case .step: p
    case nil: nil
    }
  }

  /// Takes `(A + εI)·request` and moves on.
  mutating func receive(_ y: [Double]) {
    guard let asked = pending else { return }
    applications += 1
    switch asked {
    case .startResidual:
      r = b
      axpy(-1, y, &r)
      restart()
      advance()
    case .trueResidual:
      r = b
      axpy(-1, y, &r)
      rr = dot(r, r)
      residualIsExact = true
      if rr.squareRoot() <= tolerance * bNorm {
        finish(.converged)
        return
      }
      restart()
      pending = iterations < limit ? .step : nil
    case .step:
      iterations += 1
      let curvature = dot(p, y)
      guard curvature > 0 else {
        finish(.breakdown)
        return
      }
      let step = gamma / curvature
      decrements.append(step * gamma)
      axpy(step, p, &z)
      axpy(-step, y, &r)
      residualIsExact = false
      rr = dot(r, r)
      s = preconditioner?.apply(r) ?? r
      let gammaNext = dot(r, s)
      let beta = gammaNext / gamma
      gamma = gammaNext
      // p ← s + β·p
      scale(beta, &p)
      axpy(1, s, &p)
      advance()
    }
  }

  /// The iterate and how it ended (call once ``request`` is nil).
  var result: ConjugateGradientResult {
    ConjugateGradientResult(
      solution: z, iterations: iterations, applications: applications,
      relativeResidual: bNorm > 0 ? rr.squareRoot() / bNorm : 0, residualNorm: rr.squareRoot(), shift: shift,
      energyErrorEstimate: energyError(), relativeEnergyErrorEstimate: bNorm > 0 ? relativeEnergyError() : 0,
      termination: termination)
  }

  /// Search direction and γ from the current residual.
  private mutating func restart() {
    rr = dot(r, r)
    s = preconditioner?.apply(r) ?? r
    gamma = dot(r, s)
    p = s
  }

  /// Decides what comes next after a step: stop on the error estimate or a confirmed residual,
  /// confirm a residual the recurrence reports, stop at the limit, or take another step.
  private mutating func advance() {
    if let errorTolerance, decrements.count >= errorEstimateDelay, relativeEnergyError() <= errorTolerance {
      finish(.errorEstimateConverged)
    } else if rr.squareRoot() <= tolerance * bNorm {
      if residualIsExact { finish(.converged) } else { pending = .trueResidual }
    } else {
      pending = iterations < limit ? .step : nil
    }
  }

  private mutating func finish(_ how: ConjugateGradientResult.Termination) {
    termination = how
    pending = nil
  }

  /// The Hestenes–Stiefel estimate: the window's sum (the error d steps back, less its tail) plus
  /// that tail extrapolated geometrically from the window's rate of decrease, so stagnation (rate
  /// near 1) makes the estimate large instead of letting a short window underestimate the error.
  private func energyError() -> Double {
    let window = Array(decrements.suffix(errorEstimateDelay))
    let half = window.count / 2
    let early = window.prefix(half).reduce(0, +), late = window.suffix(half).reduce(0, +)
    guard half > 0, early > 0, late > 0 else { return window.reduce(0, +).squareRoot() }
    // Mean rate per step between the window's halves (CG's decrements oscillate step to step).
    let rate = min(Foundation.pow(late / early, 1 / Double(window.count - half)), 0.999)
    return (window.reduce(0, +) + window.last! * rate / (1 - rate)).squareRoot()
  }

  private func relativeEnergyError() -> Double {
    let energy = dot(b, z)  // ≈ ‖x‖²_A once z is close
    return energy > 0 ? energyError() / energy.squareRoot() : .infinity
  }
}
