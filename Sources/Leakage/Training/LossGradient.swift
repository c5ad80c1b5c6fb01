import Autodiff

/// ∇θL of a network's training loss (mean cross-entropy), compiled per batch shape: the first
/// call for a shape records the forward and backward pass and compiles them into a ``Program``
/// whose inputs are the images, the one-hot labels and the parameters; later calls replay it,
/// without building a graph (what a training loop or a benchmark of the gradient repeats).
///
/// The buffers (batch-norm running statistics) are fixed when it is made, as constants of the
/// compiled programs: batch normalisation runs in evaluation mode.
public struct LossGradient<S: TensorScalar>: Sendable {
  let network: any Network
  let buffers: [String: Tensor<S>]
  /// By the shape of the images (shared by copies).
  let programs = ProgramCache<[Int], S>()

  /// The gradient of `network` with the buffers of `weights` (its parameters are given per call).
  public init(network: any Network, buffers weights: ModelWeights) {
    self.network = network
    self.buffers = weights.bind(network, as: S.self, requiresGrad: false).binding.buffers
  }

  /// The loss and ∇θL, one tensor per parameter in the network's order, at `parameters` (same
  /// order and shapes) for `images` (`[B, C, H, W]`) and their `labels` (valid classes).
  public func callAsFunction(parameters: [Tensor<S>], images: Tensor<S>, labels: [Int]) -> (loss: S, gradients: [Tensor<S>]) {
    let classes = network.spec.classCount
    var oneHot = Tensor<S>(zeros: [labels.count, classes])
    for (n, label) in labels.enumerated() {
      precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
      oneHot.scalars[n * classes + label] = 1
    }
    let names = network.parameters.map(\.name)
    let results = programs.run(images.shape, [images, oneHot] + parameters) { leaves, createGraph in
      let theta = Array(leaves.dropFirst(2))
      let binding = ParameterBinding(parameters: Dictionary(uniqueKeysWithValues: zip(names, theta)), buffers: buffers)
      let loss = network.logits(leaves[0], binding).crossEntropy(targets: leaves[1])
      return [loss] + gradients(of: loss, withRespectTo: theta, createGraph: createGraph)
    }
    return (results[0].scalar, Array(results.dropFirst()))
  }

  /// The multiply–adds of the convolutions and matrix products in one gradient of a batch of
  /// `imageShape` (nil before the first).
  public func multiplyAdds(imageShape: [Int]) -> Double? { programs.program(imageShape)?.multiplyAdds }
}
