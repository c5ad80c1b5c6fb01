import Autodiff

/// The I2F numbers for one perturbation δ at one victim batch.
public struct I2FReport: Sendable {
  public var loss: Double
  /// ‖g0‖, the shared gradient's norm.
  public var gradientNorm: Double
  /// ‖δ‖.
  public var deltaNorm: Double
  /// ‖J·δ‖.
  public var jDeltaNorm: Double
  /// λmax(J·Jᵀ) (eigenvalue of the Gram matrix, i.e. the squared largest singular value of J).
  public var lambdaMax: Double
  /// λmin of the full J·Jᵀ (≈ 0 when it is singular).
  public var lambdaMin: Double
  /// Numerical rank of J·Jᵀ (eigenvalues above 1e-10·λmax); nil when the matrix-free path cannot tell.
  public var rank: Int?
  /// ‖(J·Jᵀ)⁺·J·δ‖: the predicted shift of the reconstruction.
  public var i2fNorm: Double
  /// ‖(J·Jᵀ + εI)⁻¹·J·δ‖.
  public var i2fRidgeNorm: Double
  /// The ridge ε used for ``i2fRidgeNorm``.
  public var ridge: Double
  /// ‖J·δ‖/λmax ≤ ‖I2F‖.
  public var lowerBound: Double
  /// ‖J·δ‖/λmin ≥ ‖I2F‖ when J·Jᵀ has full rank, else nil.
  public var upperBound: Double?
  /// `tr((J·Jᵀ)⁺) = Σ 1/λ` over the numerical rank (estimated on the matrix-free path).
  public var traceOfInverse: Double
  /// Expected ‖I2F‖ under Gaussian noise of the current σ: σ·√tr; nil for other perturbations.
  public var expectedI2FNorm: Double?
  /// Input dimension dx.
  public var inputCount: Int
  /// Parameter dimension dθ.
  public var parameterCount: Int
  /// "dense" or "matrix-free".
  public var method: String
  /// Solver iterations behind the numbers (0 on the dense path).
  public var iterations: Int
  /// Whether every iterative solve converged.
  public var converged: Bool
  /// The I2F shift itself (flat, dx entries).
  public var shift: Tensor<Double>
  /// The reconstruction I2F predicts: x0 + I2F(δ), shaped like the images.
  public var predictedImages: Tensor<Double>

  /// λmax/λmin (infinite when singular).
  public var condition: Double { lambdaMin > 0 ? lambdaMax / lambdaMin : .infinity }
  /// ‖δ‖/‖g0‖.
  public var relativeDelta: Double { gradientNorm > 0 ? deltaNorm / gradientNorm : .infinity }
  /// ‖I2F‖/√dx: the RMSE of the predicted reconstruction against the original.
  public var predictedRMSE: Double { i2fNorm / Double(inputCount).squareRoot() }
  /// √(E‖I2F‖²/dx) under the current Gaussian σ.
  public var expectedRMSE: Double? { expectedI2FNorm.map { $0 / Double(inputCount).squareRoot() } }

  /// Gaussian σ whose expected reconstruction RMSE is `target`: σ = τ·√(dx / Σ 1/λ).
  public func sigma(forTargetRMSE target: Double) -> Double {
    traceOfInverse > 0 ? target * (Double(inputCount) / traceOfInverse).squareRoot() : .infinity
  }
}
