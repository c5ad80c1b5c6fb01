import Autodiff
import Foundation
import Solvers

/// Everything I2F needs about one victim batch, computed once so that each new perturbation is
/// cheap: the Jacobian products and, once computed, the spectrum of J·Jᵀ.
///
/// An analysis is built in stages, each usable on its own: ``init(productsOf:precision:)`` builds only the
/// products (g0, J·δ, Jᵀ·v — enough for ‖J·δ‖ and for an attack), ``withLargestEigenvalue()``
/// adds λmax (enough for the lower bound), ``withSpectrum(_:ridge:progress:)`` adds the full dense
/// or matrix-free spectrum. ``Evaluation`` reports each number only once the stage that computes
/// it has run.
public struct Analysis: Sendable {
  /// What is known about the spectrum of J·Jᵀ.
  public enum Spectrum: Sendable {
    /// Not computed yet.
    case none
    /// Only λmax (a few Lanczos steps), with its residual.
    case largest(LargestEigenvalue)
    case dense(DenseGram)
    case matrixFree(MatrixFreeSpectrum)
  }

  /// Largest dx for which `auto` picks the dense path.
  public static let denseLimit = 4096

  /// What `auto` resolves to for `victim`: dense when dx ≤ ``denseLimit``, J fits in
  /// ``DenseGram/maxJacobianBytes`` and the whole dense path in ``MemoryBudget/current``, else
  /// matrix-free. (Dense is the faster path well beyond "small" inputs: for 3×32×32 it takes
  /// seconds where Lanczos and CG on an ill-conditioned J·Jᵀ take much longer.)
  public static func preferredMethod(for victim: VictimBatch) -> AnalysisMethod {
    let bytes = victim.inputCount.multipliedReportingOverflow(by: victim.parameterCount * 8)
    let fits = !bytes.overflow && bytes.partialValue <= DenseGram.maxJacobianBytes
      && DenseGram.memoryNeeded(inputCount: victim.inputCount, parameterCount: victim.parameterCount) <= MemoryBudget.current.limit
    return victim.inputCount <= denseLimit && fits ? .dense : .matrixFree
  }

  /// The batch as loaded: pixels in [0, 1], the network behind its normalisation.
  public let victim: VictimBatch
  /// The space J and every I2F number refer to.
  public let space: InputSpace
  /// J's products in ``space``, in the precision asked for.
  public let jacobian: any JacobianProducts
  public let spectrum: Spectrum
  /// Wall time spent building the analysis so far, in seconds.
  public let setupSeconds: Double

  /// The first stage: the products (one forward and double-backward graph), no spectrum.
  public init(productsOf victim: VictimBatch, space: InputSpace = .pixel, precision: Precision = .f64) {
    let start = Date()
    self.victim = victim
    self.space = space
    let seen = victim.inSpace(space)
    jacobian = precision == .f64 ? MixedJacobian<Double>(seen) : MixedJacobian<Float>(seen)
    spectrum = .none
    setupSeconds = Date().timeIntervalSince(start)
  }

  /// All stages at once: the products and the spectrum by `method` (see
  /// ``withSpectrum(_:ridge:trace:progress:status:)``). Throws `CancellationError` when the task
  /// is cancelled.
  public init(
    _ victim: VictimBatch, space: InputSpace = .pixel, method: AnalysisMethod = .auto, precision: Precision = .f64,
    ridge: Ridge = .relative(1e-6), trace: Bool = true, progress: (@Sendable (Double) -> Void)? = nil,
    status: (@Sendable (String) -> Void)? = nil
  ) throws {
    self = try Analysis(productsOf: victim, space: space, precision: precision)
      .withSpectrum(method, ridge: ridge, trace: trace, progress: progress, status: status)
  }

  private init(_ base: Analysis, spectrum: Spectrum, seconds: Double) {
    victim = base.victim
    space = base.space
    jacobian = base.jacobian
    self.spectrum = spectrum
    setupSeconds = base.setupSeconds + seconds
  }

  /// This analysis with λmax of J·Jᵀ from a few Lanczos steps (the cheap half of the lower bound).
  public func withLargestEigenvalue() throws -> Analysis {
    let start = Date()
    let largest = try MatrixFreeSpectrum.largestEigenvalue(jacobian)
    return Analysis(self, spectrum: .largest(largest), seconds: Date().timeIntervalSince(start))
  }

  /// This analysis with the spectrum by `method`: λmax only (`lowerBound`), dense (J materialised, J·Jᵀ eigendecomposed; `progress`
  /// receives the fraction done) or matrix-free (Lanczos for the extremal eigenvalues and the
  /// preconditioner of the `ridge`-regularised solves, and with `trace` Hutch++ for the trace of
  /// their inverse; `status` receives a line per phase).
  public func withSpectrum(
    _ method: AnalysisMethod, ridge: Ridge, trace: Bool = true, progress: (@Sendable (Double) -> Void)? = nil,
    status: (@Sendable (String) -> Void)? = nil
  ) throws -> Analysis {
    let start = Date()
    let spectrum: Spectrum
    switch method == .auto ? Self.preferredMethod(for: victim) : method {
    case .lowerBound: return try withLargestEigenvalue()
    case .dense: spectrum = .dense(try DenseGram(jacobian, progress: progress))
    case .auto, .matrixFree: spectrum = .matrixFree(try MatrixFreeSpectrum(jacobian, ridge: ridge, trace: trace, status: status))
    }
    return Analysis(self, spectrum: spectrum, seconds: Date().timeIntervalSince(start))
  }

  /// "dense", "matrix-free", or the stage reached so far.
  public var methodName: String {
    switch spectrum {
    case .none: "products only"
    case .largest: "λmax only"
    case .dense: "dense"
    case .matrixFree: "matrix-free"
    }
  }

  /// Whether the full spectrum (dense or matrix-free) has been computed.
  public var isComplete: Bool {
    switch spectrum {
    case .dense, .matrixFree: true
    case .none, .largest: false
    }
  }

  /// λmax of J·Jᵀ, once computed.
  public var lambdaMax: Double? {
    switch spectrum {
    case .none: nil
    case .largest(let l): l.value
    case .dense(let g): g.lambdaMax
    case .matrixFree(let s): s.lambdaMax
    }
  }

  /// The shared gradient g0 (flat, θ order).
  public var sharedGradient: Tensor<Double> { jacobian.sharedGradientF64 }

  /// The eigenvalues of J·Jᵀ, ascending (dense path only).
  public var eigenvalues: [Double]? {
    if case .dense(let g) = spectrum { return g.eigen.eigenvalues }
    return nil
  }

  /// δ = c·v_k with v_k = Jᵀ·u_k/σ_k the k-th right singular vector of J (1-based, from the top or
  /// the bottom of the numerical rank), so that I2F(δ) = (c/σ_k)·u_k. Dense path only.
  public func singularDirection(_ end: SpectralEnd, _ k: Int, norm c: Double) throws -> Tensor<Double> {
    let gram = try denseGram(for: "singular directions")
    let index = try gram.eigenIndex(end, k)
    let u = Tensor(shape: [jacobian.inputCount], scalars: gram.eigen.eigenvector(index))
    let v = jacobian.transposedProduct(u)
    return v * (c / Swift.max(v.norm(), .leastNormalMagnitude))
  }

  /// Singular value σ_k of J for a direction (√λ of J·Jᵀ). Dense path only.
  public func singularValue(_ end: SpectralEnd, _ k: Int) throws -> Double {
    let gram = try denseGram(for: "singular values")
    return gram.eigen.eigenvalues[try gram.eigenIndex(end, k)].squareRoot()
  }

  private func denseGram(for what: String) throws(AnalysisError) -> DenseGram {
    guard case .dense(let gram) = spectrum else {
      throw .invalidPerturbation("\(what) need the dense spectrum (--method dense)")
    }
    return gram
  }

  /// The I2F numbers and predicted reconstruction for δ, as far as this analysis's stage allows.
  /// `ridge` is the ε of the regularised form; `gaussianSigma` (when δ is Gaussian noise) gives
  /// the expected RMSE.
  public func evaluate(delta: Tensor<Double>, ridge: Ridge, gaussianSigma: Double? = nil) throws -> Evaluation {
    guard delta.count == jacobian.parameterCount else {
      throw AnalysisError.invalidPerturbation("δ has \(delta.count) entries, the model has dθ = \(jacobian.parameterCount)")
    }
    guard delta.scalars.allSatisfy(\.isFinite) else { throw AnalysisError.invalidPerturbation("δ holds NaN or infinite values") }
    let jd = jacobian.product(delta).scalars
    let normalization = space == .model ? victim.normalization : nil
    var e = Evaluation(
      loss: jacobian.loss, gradientNorm: sharedGradient.norm(), deltaNorm: delta.norm(), jDeltaNorm: Self.norm(jd),
      inputCount: jacobian.inputCount, parameterCount: jacobian.parameterCount, method: methodName,
      delta: delta, images: victim.images)
    guard e.loss.isFinite, e.gradientNorm.isFinite, e.jDeltaNorm.isFinite else {
      throw AnalysisError.solverFailed("the loss, the gradient or J·δ is NaN or infinite (loss \(e.loss), ‖g0‖ \(e.gradientNorm)): check the weights and the input")
    }
    e.gaussianSigma = gaussianSigma
    e.space = space
    e.normalization = normalization
    switch spectrum {
    case .none:
      break
    case .largest(let l):
      e.lambdaMax = l.value
      e.lambdaMaxResidual = l.residual
      e.iterations = l.iterations
    case .dense(let gram):
      let epsilon = ridge.epsilon(lambdaMax: gram.lambdaMax)
      e.lambdaMax = gram.lambdaMax
      e.lambdaMin = gram.lambdaMin
      e.rank = gram.rank
      e.shift = try gram.solve(jd)
      e.ridge = epsilon
      e.ridgeShift = epsilon > 0 ? try gram.solve(jd, ridge: epsilon) : e.shift
      e.traceOfInverse = gram.traceOfPseudoInverse
    case .matrixFree(let s):
      let epsilon = ridge.epsilon(lambdaMax: s.lambdaMax)
      e.lambdaMax = s.lambdaMax
      e.lambdaMaxResidual = s.lambdaMaxResidual
      e.lambdaMinEstimate = s.lambdaMinEstimate
      e.lambdaMinResidual = s.lambdaMinResidual
      e.ridge = epsilon
      guard epsilon > 0 else { break }  // the plain inverse may not exist: nothing to solve
      let solved = try s.solve(jacobian, jd, ridge: epsilon)
      e.ridgeShift = solved.solution
      e.ridgeRelativeErrorBound = solved.relativeErrorBound
      e.iterations = s.lanczosIterations + solved.iterations
      e.converged = s.converged && solved.converged
      if let trace = s.traceOfRidgeInverse, s.ridge == epsilon {
        e.traceOfRidgeInverse = trace.estimate
        e.iterations += trace.solverIterations
        e.converged = e.converged && trace.allSolvesConverged
      }
    }
    return e
  }

  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

/// How the spectrum of J·Jᵀ is obtained.
public enum AnalysisMethod: String, Sendable, CaseIterable, Codable, Hashable {
  /// Dense when dx ≤ ``Analysis/denseLimit`` and J fits in memory, else matrix-free.
  case auto
  /// J materialised, J·Jᵀ eigendecomposed in Float64.
  case dense
  /// Lanczos, conjugate gradients and Hutchinson on `v ↦ J·Jᵀ·v`.
  case matrixFree = "matrix-free"
  /// λmax alone by a few Lanczos steps: ‖J·δ‖, λmax and the I2F lower bound, no solves. The
  /// quick look at a large model (ResNet-18), where the full matrix-free spectrum takes minutes.
  case lowerBound = "lower-bound"
}

/// The floating-point precision of a computation (Jacobian products, attacks).
public enum Precision: String, Sendable, CaseIterable, Codable, Hashable {
  case f32, f64
}
