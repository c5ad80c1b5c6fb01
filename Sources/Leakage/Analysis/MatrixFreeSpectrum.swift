import Autodiff
import Solvers

/// The matrix-free path of I2F, for inputs too large to materialise J: extremal eigenvalues of
/// J·Jᵀ by Lanczos on `v ↦ J·(Jᵀ·v)`, I2F by conjugate gradients, and `tr((J·Jᵀ + εI)⁻¹)` by
/// Hutchinson's estimator. Every number carries the iterations it took and whether it converged.
public struct MatrixFreeSpectrum: Sendable {
  public let lambdaMax: Double
  public let lambdaMin: Double
  public let lanczosIterations: Int
  public let converged: Bool
  /// Hutchinson estimate of `tr((J·Jᵀ)⁻¹)` (of `tr((J·Jᵀ + εI)⁻¹)` with ε = 1e-10·λmax when
  /// J·Jᵀ is singular); it does not depend on δ, so it is estimated once.
  public let traceOfInverse: HutchinsonResult

  /// Extremal eigenvalues to relative residual `tolerance` (at most `maxIterations` products,
  /// default dx: Lanczos is then exact up to rounding).
  public init(_ jacobian: any JacobianProducts, tolerance: Double = 1e-8, maxIterations: Int? = nil) throws {
    let lanczos = Lanczos(largest: 1, smallest: 1, tolerance: tolerance, maxIterations: maxIterations ?? jacobian.inputCount, seed: 1)
    let result = try lanczos.eigenpairs(of: Self.gramOperator(jacobian))
    lambdaMax = result.largestEigenvalue ?? 0
    lambdaMin = result.smallestEigenvalue ?? 0
    lanczosIterations = result.iterations
    converged = result.converged
    let singular = lambdaMin <= DenseGram.relativeRankTolerance * lambdaMax
    traceOfInverse = try Self.traceOfInverse(jacobian, ridge: singular ? DenseGram.relativeRankTolerance * lambdaMax : 0)
  }

  /// λmax of J·Jᵀ alone, to relative residual `tolerance`: the cheap half of the I2F lower bound.
  public static func largestEigenvalue(_ jacobian: any JacobianProducts, tolerance: Double = 1e-6) throws -> (value: Double, iterations: Int) {
    let r = try Lanczos(largest: 1, smallest: 0, tolerance: tolerance, seed: 1).eigenpairs(of: gramOperator(jacobian))
    return (r.largestEigenvalue ?? 0, r.iterations)
  }

  /// `v ↦ J·Jᵀ·v` as a solver operator.
  public static func gramOperator(_ jacobian: any JacobianProducts) -> MatrixFreeOperator {
    MatrixFreeOperator(dimension: jacobian.inputCount) { v in
      try Task.checkCancellation()
      return jacobian.gramProduct(Tensor(shape: [v.count], scalars: v)).scalars
    }
  }

  /// Whether J·Jᵀ counts as singular (λmin ≤ 1e-10·λmax).
  public var isSingular: Bool { lambdaMin <= DenseGram.relativeRankTolerance * lambdaMax }

  /// `(J·Jᵀ + εI)⁻¹·b` by conjugate gradients (ε = 0 gives the minimum-norm solution when b lies
  /// in the range of J, as J·δ does).
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
