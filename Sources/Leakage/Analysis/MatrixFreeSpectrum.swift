import Autodiff
import Solvers

/// The matrix-free path of I2F, for inputs too large to materialise J: extremal eigenvalues of
/// J·Jᵀ by Lanczos on `v ↦ J·(Jᵀ·v)`, the ridge-regularised I2F by conjugate gradients, and
/// `tr((J·Jᵀ + εI)⁻¹)` by Hutchinson's estimator. Every number carries the iterations it took and
/// whether it converged.
///
/// What it cannot tell: the rank of J·Jᵀ, hence the pseudo-inverse quantities, and λmin as a
/// bound. Lanczos's smallest Ritz value never lies below λmin, so ``lambdaMinEstimate`` is an
/// estimate whose residual says how close it is to *an* eigenvalue, not that it is the smallest.
public struct MatrixFreeSpectrum: Sendable {
  public let lambdaMax: Double
  /// ‖A·y − θ·y‖ of the top Ritz pair: |λmax − θ| is at most this.
  public let lambdaMaxResidual: Double
  /// The smallest Ritz value (≥ the true λmin).
  public let lambdaMinEstimate: Double
  public let lambdaMinResidual: Double
  public let lanczosIterations: Int
  public let converged: Bool
  /// Hutchinson's estimate of `tr((J·Jᵀ + εI)⁻¹)` and the ε it was computed for (it does not
  /// depend on δ, so it is estimated once); nil when ε = 0 (the plain inverse may not exist).
  public let traceOfRidgeInverse: (ridge: Double, result: HutchinsonResult)?

  /// Extremal eigenvalues to relative residual `tolerance` within `maxIterations` products, and
  /// the trace of the inverse regularised by `ridge`.
  public init(_ jacobian: any JacobianProducts, ridge: Ridge, tolerance: Double = 1e-8, maxIterations: Int = 300) throws {
    let lanczos = Lanczos(largest: 1, smallest: 1, tolerance: tolerance, maxIterations: maxIterations, seed: 1)
    let result = try lanczos.eigenpairs(of: Self.gramOperator(jacobian))
    lambdaMax = result.largest.first?.value ?? 0
    lambdaMaxResidual = result.largest.first?.residualEstimate ?? .infinity
    lambdaMinEstimate = result.smallest.first?.value ?? 0
    lambdaMinResidual = result.smallest.first?.residualEstimate ?? .infinity
    lanczosIterations = result.iterations
    converged = result.converged
    let epsilon = ridge.epsilon(lambdaMax: lambdaMax)
    traceOfRidgeInverse = epsilon > 0 ? (epsilon, try Self.traceOfInverse(jacobian, ridge: epsilon)) : nil
  }

  /// λmax of J·Jᵀ alone, to relative residual `tolerance`: the cheap half of the I2F lower bound.
  public static func largestEigenvalue(_ jacobian: any JacobianProducts, tolerance: Double = 1e-6) throws -> LargestEigenvalue {
    let r = try Lanczos(largest: 1, smallest: 0, tolerance: tolerance, maxIterations: 100, seed: 1)
      .eigenpairs(of: gramOperator(jacobian))
    return LargestEigenvalue(value: r.largest.first?.value ?? 0, residual: r.largest.first?.residualEstimate ?? .infinity,
                             iterations: r.iterations)
  }

  /// `v ↦ J·Jᵀ·v` as a solver operator.
  public static func gramOperator(_ jacobian: any JacobianProducts) -> MatrixFreeOperator {
    MatrixFreeOperator(dimension: jacobian.inputCount) { v in
      try Task.checkCancellation()
      return jacobian.gramProduct(Tensor(shape: [v.count], scalars: v)).scalars
    }
  }

  /// `(J·Jᵀ + εI)⁻¹·b` by conjugate gradients.
  public static func solve(_ jacobian: any JacobianProducts, _ b: [Double], ridge: Double, tolerance: Double = 1e-10) throws
    -> ConjugateGradientResult
  {
    try ConjugateGradient(tolerance: tolerance, maxIterations: 4 * jacobian.inputCount)
      .solve(gramOperator(jacobian), rhs: b, shift: ridge)
  }

  /// Hutchinson estimate of `tr((J·Jᵀ + εI)⁻¹)` with `probes` Rademacher vectors. Each probe's
  /// CG solve stops at relative residual 1e-6 or dx iterations: the estimate's own sampling error
  /// (its standard error is reported) is far larger than what tighter solves would remove.
  public static func traceOfInverse(_ jacobian: any JacobianProducts, ridge: Double, probes: Int = 16, seed: UInt64 = 7) throws
    -> HutchinsonResult
  {
    let estimator = HutchinsonTraceEstimator(
      probeCount: probes, seed: seed, solver: ConjugateGradient(tolerance: 1e-6, maxIterations: jacobian.inputCount))
    return try estimator.traceOfInverse(of: gramOperator(jacobian), shift: ridge)
  }
}

/// λmax of J·Jᵀ from a few Lanczos steps, with the residual that bounds its error.
public struct LargestEigenvalue: Sendable {
  public let value: Double
  /// ‖A·y − θ·y‖: |λmax − value| is at most this.
  public let residual: Double
  public let iterations: Int
}
