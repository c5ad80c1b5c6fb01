import Autodiff
import Solvers

/// The matrix-free path of I2F, for inputs too large to materialise J: extremal eigenvalues of
/// J·Jᵀ by thick-restart Lanczos on `v ↦ J·(Jᵀ·v)` in bounded memory, the ridge-regularised I2F
/// by conjugate gradients preconditioned with the top Ritz pairs Lanczos found, and
/// `tr((J·Jᵀ + εI)⁻¹)` by Hutch++. Every number carries the iterations it took, whether it
/// converged, and its error bound.
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
  /// Operator products spent by Lanczos (residual checks included).
  public let lanczosIterations: Int
  /// Whether λmax met the residual tolerance (λmin is an estimate either way: on an
  /// ill-conditioned J·Jᵀ its Ritz value rarely converges, and nothing is claimed for it).
  public let converged: Bool
  /// The ridge ε the preconditioner and the trace were built for.
  public let ridge: Double
  /// Built from the converged top Ritz pairs for systems with shift ``ridge``.
  public let preconditioner: SpectralPreconditioner?
  /// Hutch++'s estimate of `tr((J·Jᵀ + εI)⁻¹)` (it does not depend on δ, so it is estimated
  /// once); nil when not asked for or when ε = 0 (the plain inverse may not exist).
  public let traceOfRidgeInverse: HutchPlusPlusResult?

  /// Top Ritz pairs kept for the preconditioner.
  public static let deflationCount = 24
  /// Lanczos steps allowed (restarts keep the memory bounded, see ``Lanczos/memoryEstimate(dimension:)``).
  public static let maxLanczosSteps = 300

  /// Extremal eigenvalues to relative residual `tolerance`, the preconditioner for the shift
  /// `ridge.epsilon(λmax)`, and (with `trace`) the trace of that regularised inverse. `status`
  /// receives one line per phase (for progress displays). Throws ``MemoryBudgetError`` before
  /// allocating anything when the Lanczos basis does not fit `memoryBudget`.
  public init(
    _ jacobian: any JacobianProducts, ridge: Ridge, trace: Bool = true, tolerance: Double = 1e-8,
    memoryBudget: MemoryBudget = .current, status: (@Sendable (String) -> Void)? = nil
  ) throws {
    let op = Self.gramOperator(jacobian)
    let k = min(Self.deflationCount, max(1, jacobian.inputCount - 1))
    var lanczos = Lanczos(
      largest: k, smallest: 1, tolerance: tolerance, maxIterations: Self.maxLanczosSteps, seed: 1, computesVectors: true)
    let needed = lanczos.memoryEstimate(dimension: jacobian.inputCount)
    try memoryBudget.check(
      bytes: needed,
      what: "the matrix-free path (a Lanczos basis of \(lanczos.basisSize(dimension: jacobian.inputCount)) vectors of "
        + "\(DenseGram.grouped(jacobian.inputCount)) inputs, Float64)",
      suggestion: "use a smaller batch, or raise --max-memory")
    lanczos.memoryBudget = memoryBudget.limit
    status?("Lanczos: λmax, λmin and the top \(k) eigenpairs of J·Jᵀ")
    let result = try lanczos.eigenpairs(of: op)
    let top = result.largest.first
    lambdaMax = top?.value ?? 0
    lambdaMaxResidual = top?.residualNorm ?? .infinity
    lambdaMinEstimate = result.smallest.first?.value ?? 0
    lambdaMinResidual = result.smallest.first?.residualNorm ?? .infinity
    lanczosIterations = result.iterations + result.residualApplications
    converged = lambdaMaxResidual <= tolerance * Swift.max(lambdaMax, .leastNormalMagnitude)
    let epsilon = ridge.epsilon(lambdaMax: lambdaMax)
    self.ridge = epsilon
    // Only pairs accurate to 1e-3 of their value deflate well; the rest would mislead CG's start.
    let good = result.largest.filter { p in p.vector != nil && p.value > 0 && p.residualNorm <= 1e-3 * p.value }
    preconditioner = good.isEmpty ? nil
      : try SpectralPreconditioner(eigenvalues: good.map(\.value), vectors: good.compactMap(\.vector), shift: epsilon)
    if trace && epsilon > 0 {
      status?("Hutch++: trace of (J·Jᵀ + εI)⁻¹")
      // Each quadratic form qᵀ(J·Jᵀ + εI)⁻¹q to relative error ~1e-4 (the square of CG's
      // energy-norm target): far below the sampling error of 30 solves, which dominates.
      let estimator = HutchPlusPlusTraceEstimator(
        solveCount: 30, seed: 7,
        solver: ConjugateGradient(tolerance: 1e-8, maxIterations: 4 * jacobian.inputCount, errorTolerance: 1e-2))
      traceOfRidgeInverse = try estimator.traceOfInverse(of: op, shift: epsilon, preconditioner: preconditioner)
    } else {
      traceOfRidgeInverse = nil
    }
  }

  /// λmax of J·Jᵀ alone, to relative residual `tolerance`: the cheap half of the I2F lower bound.
  public static func largestEigenvalue(_ jacobian: any JacobianProducts, tolerance: Double = 1e-6) throws -> LargestEigenvalue {
    let r = try Lanczos(largest: 1, smallest: 0, tolerance: tolerance, maxIterations: 100, seed: 1)
      .eigenpairs(of: gramOperator(jacobian))
    return LargestEigenvalue(value: r.largest.first?.value ?? 0, residual: r.largest.first?.residualNorm ?? .infinity,
                             iterations: r.iterations + r.residualApplications)
  }

  /// `v ↦ J·Jᵀ·v` as a solver operator; batches (CG systems in lockstep) run as batched passes
  /// of at most ``batchValueLimit`` / dθ vectors each, so a large model goes one vector at a time.
  public static func gramOperator(_ jacobian: any JacobianProducts) -> MatrixFreeOperator {
    let n = jacobian.inputCount
    let perPass = Swift.max(1, batchValueLimit / Swift.max(1, jacobian.parameterCount))
    return MatrixFreeOperator(dimension: n, { v in
      try Task.checkCancellation()
      return jacobian.gramProduct(Tensor(shape: [v.count], scalars: v)).scalars
    }, batch: { vs in
      var out: [[Double]] = []
      for start in stride(from: 0, to: vs.count, by: perPass) {
        try Task.checkCancellation()
        let chunk = vs[start..<Swift.min(start + perPass, vs.count)]
        let y = jacobian.gramProducts(Tensor(shape: [chunk.count, n], scalars: chunk.flatMap { $0 })).scalars
        out += (0..<chunk.count).map { Array(y[($0 * n)..<(($0 + 1) * n)]) }
      }
      return out
    })
  }

  /// The most Jᵀ·v values (K·dθ) one batched pass of ``gramOperator(_:)`` computes: it bounds the
  /// memory of the pass, whose intermediates grow with K.
  public static let batchValueLimit = 1 << 22

  /// `(J·Jᵀ + εI)⁻¹·b` by conjugate gradients, preconditioned when ε is this spectrum's ridge.
  /// CG stops once the residual guarantees `relativeAccuracy` of the solution:
  /// `‖z − x‖ ≤ ‖r‖/ε` (λmin ≥ 0), and `‖x‖ ≥ ‖b‖/(λmax + ε)`.
  public func solve(_ jacobian: any JacobianProducts, _ b: [Double], ridge epsilon: Double, relativeAccuracy: Double = 1e-4) throws
    -> RidgeSolution
  {
    guard epsilon > 0 else { throw AnalysisError.solverFailed("the matrix-free I2F needs a ridge ε > 0") }
    let tolerance = Swift.max(1e-15, relativeAccuracy * epsilon / (lambdaMax + epsilon))
    let result = try ConjugateGradient(tolerance: tolerance, maxIterations: 4 * jacobian.inputCount)
      .solve(Self.gramOperator(jacobian), rhs: b, shift: epsilon, preconditioner: epsilon == ridge ? preconditioner : nil)
    let size = Analysis.norm(result.solution)
    return RidgeSolution(
      solution: result.solution, iterations: result.iterations, converged: result.converged,
      relativeErrorBound: size > 0 ? result.solutionErrorBound(lowerEigenvalueBound: 0) / size : 0)
  }
}

/// `(J·Jᵀ + εI)⁻¹·b` from the matrix-free path, with its accuracy.
public struct RidgeSolution: Sendable {
  public let solution: [Double]
  public let iterations: Int
  public let converged: Bool
  /// A guaranteed bound on `‖z − x‖/‖z‖` (from the residual and ε).
  public let relativeErrorBound: Double
}

/// λmax of J·Jᵀ from a few Lanczos steps, with the residual that bounds its error.
public struct LargestEigenvalue: Sendable {
  public let value: Double
  /// ‖A·y − θ·y‖: |λmax − value| is at most this.
  public let residual: Double
  public let iterations: Int
}
