import Autodiff

/// The I2F numbers for one perturbation δ at one victim batch.
///
/// A number is nil when the analysis that produced this evaluation did not compute it: the
/// products alone give ‖J·δ‖; λmax adds the lower bound; the dense spectrum gives everything
/// exactly (pseudo-inverse over the numerical rank); the matrix-free spectrum gives the ridge
/// forms (labelled as such), λmax with its residual and an *estimate* of λmin, but neither the
/// rank nor the pseudo-inverse quantities, which it cannot certify.
public struct Evaluation: Sendable {
  public var loss: Double
  /// ‖g0‖, the shared gradient's norm.
  public var gradientNorm: Double
  /// ‖δ‖.
  public var deltaNorm: Double
  /// ‖J·δ‖.
  public var jDeltaNorm: Double
  /// Input dimension dx.
  public var inputCount: Int
  /// Parameter dimension dθ.
  public var parameterCount: Int
  /// "dense", "matrix-free", or the stage the analysis had reached.
  public var method: String
  /// The perturbation itself (flat, θ order): the attacker sees g0 + δ.
  public var delta: Tensor<Double>
  /// The private images x0 in pixel space, `[B, C, H, W]`.
  public var images: Tensor<Double>
  /// The space the numbers refer to.
  public var space: InputSpace = .pixel
  /// The model's normalisation when ``space`` is `.model` (shifts are then in z = (x − m)/s).
  public var normalization: InputNormalization?
  /// σ when δ is Gaussian noise (the expected-RMSE formulas apply only then).
  public var gaussianSigma: Double?

  /// λmax(J·Jᵀ) (an eigenvalue of the Gram matrix, i.e. the squared largest singular value of J).
  public var lambdaMax: Double?
  /// On the iterative paths: the Ritz residual ‖A·y − θ·y‖, which bounds |λmax − θ|.
  public var lambdaMaxResidual: Double?
  /// λmin of the full J·Jᵀ, exact (dense path only; ≈ 0 when J·Jᵀ is singular).
  public var lambdaMin: Double?
  /// Matrix-free: the smallest Ritz value. Never below the true λmin, so it is an estimate, not a
  /// bound; ``lambdaMinResidual`` says how close it is to *some* eigenvalue.
  public var lambdaMinEstimate: Double?
  public var lambdaMinResidual: Double?
  /// Numerical rank of J·Jᵀ (eigenvalues above 1e-10·λmax); nil when not computed.
  public var rank: Int?
  /// `(J·Jᵀ)⁺·J·δ`: the predicted shift of the reconstruction (dense path).
  public var shift: [Double]?
  /// The ridge ε of ``ridgeShift``.
  public var ridge: Double?
  /// `(J·Jᵀ + εI)⁻¹·J·δ`.
  public var ridgeShift: [Double]?
  /// Matrix-free: a guaranteed bound on the relative error of ``ridgeShift`` (from CG's residual).
  public var ridgeRelativeErrorBound: Double?
  /// `tr((J·Jᵀ)⁺) = Σ 1/λ` over the numerical rank (dense path).
  public var traceOfInverse: Double?
  /// Hutchinson's estimate of `tr((J·Jᵀ + εI)⁻¹)` with ε = ``ridge`` (matrix-free path).
  public var traceOfRidgeInverse: Double?
  /// Solver iterations behind the numbers (0 on the dense path).
  public var iterations = 0
  /// Whether every iterative solve converged.
  public var converged = true

  public init(
    loss: Double, gradientNorm: Double, deltaNorm: Double, jDeltaNorm: Double, inputCount: Int, parameterCount: Int,
    method: String, delta: Tensor<Double>, images: Tensor<Double>
  ) {
    self.loss = loss
    self.gradientNorm = gradientNorm
    self.deltaNorm = deltaNorm
    self.jDeltaNorm = jDeltaNorm
    self.inputCount = inputCount
    self.parameterCount = parameterCount
    self.method = method
    self.delta = delta
    self.images = images
  }

  /// ‖(J·Jᵀ)⁺·J·δ‖.
  public var i2fNorm: Double? { shift.map(Analysis.norm) }
  /// ‖(J·Jᵀ + εI)⁻¹·J·δ‖.
  public var i2fRidgeNorm: Double? { ridgeShift.map(Analysis.norm) }
  /// ‖J·δ‖/λmax ≤ ‖I2F‖.
  public var lowerBound: Double? { lambdaMax.flatMap { $0 > 0 ? jDeltaNorm / $0 : nil } }
  /// Whether J·Jᵀ is known to have full rank.
  public var isFullRank: Bool { rank == inputCount }
  /// ‖J·δ‖/λmin ≥ ‖I2F‖, when J·Jᵀ is known to have full rank.
  public var upperBound: Double? {
    guard isFullRank, let l = lambdaMin, l > 0 else { return nil }
    return jDeltaNorm / l
  }
  /// Matrix-free: ‖J·δ‖/(smallest Ritz value) — an estimate of the upper bound that may fall
  /// below it (the Ritz value may exceed λmin).
  public var upperBoundEstimate: Double? { lambdaMinEstimate.flatMap { $0 > 0 ? jDeltaNorm / $0 : nil } }
  /// λmax/λmin, when both are known and J·Jᵀ has full rank.
  public var condition: Double? {
    guard isFullRank, let hi = lambdaMax, let lo = lambdaMin, lo > 0 else { return nil }
    return hi / lo
  }
  /// ‖δ‖/‖g0‖.
  public var relativeDelta: Double { gradientNorm > 0 ? deltaNorm / gradientNorm : .infinity }

  /// ‖I2F‖/√dx: the RMSE of the predicted reconstruction against the original.
  public var predictedRMSE: Double? { i2fNorm.map { $0 / rootDx } }
  /// ‖I2F_ε‖/√dx.
  public var predictedRidgeRMSE: Double? { i2fRidgeNorm.map { $0 / rootDx } }
  /// √(σ²·tr((J·Jᵀ)⁺)/dx): the RMSE expected over Gaussian draws of this σ.
  public var expectedRMSE: Double? {
    guard let s = gaussianSigma, let t = traceOfInverse else { return nil }
    return s * (t / Double(inputCount)).squareRoot()
  }
  /// The same with the ridge-regularised trace (matrix-free path).
  public var expectedRidgeRMSE: Double? {
    guard let s = gaussianSigma, let t = traceOfRidgeInverse else { return nil }
    return s * (t / Double(inputCount)).squareRoot()
  }

  /// Gaussian σ whose expected reconstruction RMSE is `target`: σ = τ·√(dx / Σ 1/λ).
  public func sigma(forTargetRMSE target: Double) -> Double? {
    traceOfInverse.map { $0 > 0 ? target * (Double(inputCount) / $0).squareRoot() : .infinity }
  }

  /// The same with the ridge-regularised trace (matrix-free path).
  public func ridgeSigma(forTargetRMSE target: Double) -> Double? {
    traceOfRidgeInverse.map { $0 > 0 ? target * (Double(inputCount) / $0).squareRoot() : .infinity }
  }

  /// The shift to show: the exact one when computed, else the ridge form (`isRidge`).
  public var displayedShift: (values: [Double], isRidge: Bool)? {
    if let shift { return (shift, false) }
    if let ridgeShift { return (ridgeShift, true) }
    return nil
  }

  /// The reconstruction I2F predicts, x0 + I2F(δ), in pixel space and shaped like the images
  /// (the ridge form when the exact one was not computed). A model-space shift d becomes std·d.
  public var predictedImages: Tensor<Double>? {
    displayedShift.map { shift in
      let d = Tensor(shape: images.shape, scalars: shift.values)
      return images + (normalization.map { $0.pixelShift(d) } ?? d)
    }
  }

  /// The RMSE, in this evaluation's space, of a reconstruction given in pixel space: what
  /// ``predictedRMSE`` predicts for an attack. (Batches are matched to their originals first.)
  public func rmse(ofReconstruction reconstruction: Tensor<Double>) -> Double {
    guard let normalization else { return ImageMetrics(reconstruction: reconstruction, truth: images, includeSSIM: false).rmse }
    return ImageMetrics(reconstruction: normalization.normalize(reconstruction), truth: normalization.normalize(images),
                        includeSSIM: false).rmse
  }

  private var rootDx: Double { Double(inputCount).squareRoot() }
}
