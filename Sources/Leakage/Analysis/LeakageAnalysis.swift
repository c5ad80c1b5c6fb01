import Autodiff
import Foundation
import Solvers

/// Everything I2F needs about one victim batch, computed once, so that each new perturbation is
/// cheap: the Jacobian products (Float64) and the spectrum of J·Jᵀ, dense or matrix-free.
public struct LeakageAnalysis: Sendable {
  /// How the spectrum is obtained.
  public enum Method: String, Sendable, CaseIterable, Codable {
    /// Dense when dx ≤ ``denseLimit`` and J fits in memory, else matrix-free. (Dense is the
    /// faster path well beyond "small" inputs: for 3×32×32 it takes seconds where Lanczos and
    /// Hutchinson's CG solves on an ill-conditioned J·Jᵀ take minutes.)
    case auto
    case dense
    case matrixFree = "matrix-free"
  }

  /// The spectrum of J·Jᵀ on one of the two paths.
  public enum Spectrum: Sendable {
    case dense(DenseGram)
    case matrixFree(MatrixFreeSpectrum)
  }

  /// Largest dx for which `auto` picks the dense path.
  public static let denseLimit = 4096

  /// What `auto` resolves to for `victim`: dense when dx ≤ ``denseLimit`` and J fits in
  /// ``DenseGram/maxJacobianBytes``, else matrix-free.
  public static func preferredMethod(for victim: VictimBatch) -> Method {
    let bytes = victim.inputCount.multipliedReportingOverflow(by: victim.parameterCount * 8)
    let fits = !bytes.overflow && bytes.partialValue <= DenseGram.maxJacobianBytes
    return victim.inputCount <= denseLimit && fits ? .dense : .matrixFree
  }

  public let victim: VictimBatch
  /// J's products, in the precision asked for.
  public let jacobian: any JacobianProducts
  public let spectrum: Spectrum
  /// Wall time spent building the analysis, in seconds.
  public let setupSeconds: Double

  /// Builds the products and the spectrum. `progress` receives the fraction of the dense
  /// spectrum done. Throws `CancellationError` when the surrounding task is cancelled.
  public init(
    _ victim: VictimBatch, method: Method = .auto, precision: DType = .float64, progress: (@Sendable (Double) -> Void)? = nil
  ) throws {
    let start = Date()
    self.victim = victim
    jacobian = precision == .float64 ? MixedJacobian<Double>(victim) : MixedJacobian<Float>(victim)
    let dense = method == .dense || (method == .auto && Self.preferredMethod(for: victim) == .dense)
    spectrum = dense ? .dense(try DenseGram(jacobian, progress: progress)) : .matrixFree(try MatrixFreeSpectrum(jacobian))
    setupSeconds = Date().timeIntervalSince(start)
  }

  public var methodName: String {
    if case .dense = spectrum { return "dense" }
    return "matrix-free"
  }

  public var lambdaMax: Double {
    switch spectrum {
    case .dense(let g): g.lambdaMax
    case .matrixFree(let s): s.lambdaMax
    }
  }

  public var lambdaMin: Double {
    switch spectrum {
    case .dense(let g): g.lambdaMin
    case .matrixFree(let s): s.lambdaMin
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
    guard case .dense(let gram) = spectrum else {
      throw AnalysisError.invalidPerturbation("singular directions need the dense path (--method dense)")
    }
    let index = try gram.eigenIndex(end, k)
    let u = Tensor(shape: [jacobian.inputCount], scalars: gram.eigen.eigenvector(index))
    let v = jacobian.transposedProduct(u)
    return v * (c / Swift.max(v.norm(), .leastNormalMagnitude))
  }

  /// Singular value σ_k of J for a direction (√λ of J·Jᵀ).
  public func singularValue(_ end: SpectralEnd, _ k: Int) throws -> Double {
    guard case .dense(let gram) = spectrum else { throw AnalysisError.invalidPerturbation("singular values need the dense path") }
    return gram.eigen.eigenvalues[try gram.eigenIndex(end, k)].squareRoot()
  }

  /// The I2F numbers and predicted reconstruction for δ. `ridge` is ε of the regularised form;
  /// `gaussianSigma` (when δ is Gaussian noise) gives the expected RMSE.
  public func evaluate(delta: Tensor<Double>, ridge: Double, gaussianSigma: Double? = nil) throws -> I2FReport {
    guard delta.count == jacobian.parameterCount else {
      throw AnalysisError.invalidPerturbation("δ has \(delta.count) entries, the model has dθ = \(jacobian.parameterCount)")
    }
    guard ridge >= 0, ridge.isFinite else { throw AnalysisError.invalidPerturbation("ridge ε = \(ridge) must be ≥ 0") }
    let jd = jacobian.product(delta).scalars
    let jdNorm = norm(jd)
    var shift: [Double], ridgeShift: [Double]
    var rank: Int?, trace: Double, iterations = 0, converged = true
    switch spectrum {
    case .dense(let gram):
      shift = try gram.solve(jd)
      ridgeShift = ridge > 0 ? try gram.solve(jd, ridge: ridge) : shift
      rank = gram.rank
      trace = gram.traceOfPseudoInverse
    case .matrixFree(let s):
      let exact = try MatrixFreeSpectrum.solve(jacobian, jd, ridge: 0)
      shift = exact.solution
      iterations += exact.iterations
      converged = converged && exact.converged && s.converged
      if ridge > 0 {
        let r = try MatrixFreeSpectrum.solve(jacobian, jd, ridge: ridge)
        ridgeShift = r.solution
        iterations += r.iterations
        converged = converged && r.converged
      } else {
        ridgeShift = shift
      }
      rank = s.isSingular ? nil : jacobian.inputCount
      trace = s.traceOfInverse.estimate
      iterations += s.traceOfInverse.solverIterations + s.lanczosIterations
      converged = converged && s.traceOfInverse.allSolvesConverged
    }
    let fullRank = rank == jacobian.inputCount
    let shiftTensor = Tensor(shape: [jacobian.inputCount], scalars: shift)
    return I2FReport(
      loss: jacobian.loss, gradientNorm: sharedGradient.norm(), deltaNorm: delta.norm(), jDeltaNorm: jdNorm,
      lambdaMax: lambdaMax, lambdaMin: lambdaMin, rank: rank, i2fNorm: norm(shift), i2fRidgeNorm: norm(ridgeShift),
      ridge: ridge, lowerBound: lambdaMax > 0 ? jdNorm / lambdaMax : .infinity,
      upperBound: fullRank && lambdaMin > 0 ? jdNorm / lambdaMin : nil, traceOfInverse: trace,
      expectedI2FNorm: gaussianSigma.map { $0 * trace.squareRoot() }, inputCount: jacobian.inputCount,
      parameterCount: jacobian.parameterCount, method: methodName, iterations: iterations, converged: converged,
      shift: shiftTensor, predictedImages: victim.images + shiftTensor.reshaped(victim.images.shape))
  }

  private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
