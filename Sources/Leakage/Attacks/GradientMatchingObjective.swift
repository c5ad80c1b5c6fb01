import Autodiff

/// The attacker's objective D(x′) = distance(∇θL(x′, θ), g*) (+ α·TV(x′)) and its gradient in x′,
/// a double-backward pass. Built once per attack; the first evaluation records the graph and
/// compiles it into a ``Program`` (shared by copies), which every later evaluation replays.
public struct GradientMatchingObjective<S: TensorScalar>: Sendable {
  let network: any Network
  let theta: [Variable<S>]
  let binding: ParameterBinding<S>
  let labels: [Int]
  let target: Variable<S>
  let targetNorm: S
  let objective: AttackConfiguration.Objective
  let totalVariation: S
  /// `[B, C, H, W]` of x′.
  public let inputShape: [Int]
  /// The compiled evaluation (one, for `inputShape`).
  let program = ProgramCache<Int, S>()

  /// The objective for an attacker who knows the model and weights, sees the shared gradient
  /// `target` (flat, θ order) and assumes `labels`.
  public init(network: any Network, weights: ModelWeights, target: Tensor<Double>, labels: [Int], batchSize: Int,
              objective: AttackConfiguration.Objective, totalVariation: Double) {
    let (leaves, binding) = weights.bind(network, as: S.self)
    self.network = network
    self.theta = leaves
    self.binding = binding
    self.labels = labels
    self.target = Variable(Tensor<S>(target))
    self.targetNorm = S(target.norm())
    self.objective = objective
    self.totalVariation = S(totalVariation)
    self.inputShape = [batchSize] + network.spec.inputShape
  }

  /// D(x′) and ∇x′D for x′ given flat.
  public func evaluate(_ x: [S]) -> (value: Double, gradient: [S]) {
    let r = program.run(0, [Tensor(shape: inputShape, scalars: x)]) { inputs, createGraph in
      let d = value(inputs[0])
      return [d, gradient(of: d, withRespectTo: inputs[0], createGraph: createGraph)]
    }
    return (Double(r[0].scalar), r[1].scalars)
  }

  func value(_ input: Variable<S>) -> Variable<S> {
    let loss = VictimBatch.loss(network, input, binding, labels: labels)
    let g = gradients(of: loss, withRespectTo: theta, createGraph: true)
    let flat = Variable.concatenated(g.map { $0.reshaped([$0.count]) }, axis: 0)
    var d: Variable<S>
    switch objective {
    case .squaredDistance:
      d = (flat - target).square().sum()
    case .cosine:
      let norm = (flat.square().sum() + S(1e-20)).sqrt()
      d = 1 - (flat * target).sum() / (norm * Swift.max(targetNorm, S.leastNormalMagnitude))
    }
    if totalVariation > 0 { d = d + Self.totalVariation(input) * totalVariation }
    return d
  }

  /// Anisotropic total variation: mean |Δ| along height plus mean |Δ| along width (as Inverting
  /// Gradients defines it).
  static func totalVariation(_ x: Variable<S>) -> Variable<S> {
    let h = x.shape[2], w = x.shape[3]
    var tv = Variable<S>(Tensor(0))
    if h > 1 { tv = tv + (x.sliced(axis: 2, 1..<h) - x.sliced(axis: 2, 0..<(h - 1))).abs().mean() }
    if w > 1 { tv = tv + (x.sliced(axis: 3, 1..<w) - x.sliced(axis: 3, 0..<(w - 1))).abs().mean() }
    return tv
  }
}
