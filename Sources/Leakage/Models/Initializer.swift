import Autodiff

/// Random initialisations compared in the I2F paper (§8 of the method notes). All are seeded.
public enum Initializer: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// Every weight and bias U(−0.5, 0.5), batch-norm scale and shift included (DLG's `weights_init`).
  case uniform
  /// Weights N(0, σ²) with σ = 0.5; biases U(−0.5, 0.5).
  case normal
  /// Weights Xavier-uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)); biases U(−0.5, 0.5).
  case xavier
  /// Weights Kaiming-uniform with the sigmoid gain (1), U(−b, b) with b = √(3 / fan_in);
  /// biases U(−0.5, 0.5).
  case kaiming

  public var description: String { rawValue }

  /// One line for menus.
  public var summary: String {
    switch self {
    case .uniform: "all weights and biases U(−0.5, 0.5)"
    case .normal: "weights N(0, 0.5²), biases U(−0.5, 0.5)"
    case .xavier: "Xavier-uniform weights, biases U(−0.5, 0.5)"
    case .kaiming: "Kaiming-uniform weights (sigmoid gain), biases U(−0.5, 0.5)"
    }
  }

  /// Fresh weights for `network`, drawn in parameter order from one stream seeded by `seed`.
  /// Batch-norm layers start as identities (γ = 1, β = 0, running mean 0 and variance 1), except
  /// under `uniform`, which draws γ and β like every other weight and bias.
  public func weights(for network: any Network, seed: UInt64) -> ModelWeights {
    var rng = SeededRandom(seed: seed)
    var tensors: [String: Tensor<Double>] = [:]
    for p in network.parameters {
      let n = p.shape.elementCount
      let values: [Double]
      switch (self, p.role) {
      case (.uniform, _), (_, .bias): values = (0..<n).map { _ in rng.uniform(-0.5, 0.5) }
      case (.normal, .weight): values = (0..<n).map { _ in 0.5 * rng.normal() }
      case (.xavier, .weight):
        let a = (6.0 / Double(p.fanIn + p.fanOut)).squareRoot()
        values = (0..<n).map { _ in rng.uniform(-a, a) }
      case (.kaiming, .weight):
        let b = (3.0 / Double(p.fanIn)).squareRoot()
        values = (0..<n).map { _ in rng.uniform(-b, b) }
      case (_, .normWeight): values = [Double](repeating: 1, count: n)
      default: values = [Double](repeating: 0, count: n)
      }
      tensors[p.name] = Tensor(shape: p.shape, scalars: values)
    }
    for b in network.buffers {
      tensors[b.name] = Tensor(repeating: b.role == .runningVariance ? 1 : 0, shape: b.shape)
    }
    return ModelWeights(tensors: tensors, provenance: "\(rawValue), seed \(seed)")
  }
}
