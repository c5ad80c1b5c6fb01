import Autodiff
import Leakage
import Testing

@Suite("Compiled loss gradient")
struct LossGradientTests {
  /// The gradient recorded and differentiated from scratch, the reference for every replay.
  func eager(_ network: any Network, _ weights: ModelWeights, _ images: Tensor<Double>, _ labels: [Int]) -> (Double, [Tensor<Double>]) {
    let (leaves, binding) = weights.bind(network, as: Double.self)
    let loss = VictimBatch.loss(network, Variable(images), binding, labels: labels)
    return (loss.value.scalar, gradients(of: loss, withRespectTo: leaves).map(\.value))
  }

  /// Every call after the first replays the compiled program with new parameters, images and
  /// labels; each must match the gradient built from scratch (and a batch-norm network keeps the
  /// buffers it was made with, in evaluation mode).
  @Test(arguments: [
    ModelSpec(.convnet5, inputShape: [1, 12, 12], classCount: 10),
    ModelSpec(.resnet8, inputShape: [3, 16, 16], classCount: 10),
  ])
  func replaysMatchTheGradientBuiltFromScratch(spec: ModelSpec) throws {
    let network = try spec.makeNetwork()
    let start = Initializer.uniform.weights(for: network, seed: 1)
    let gradient = LossGradient<Double>(network: network, buffers: start)
    var rng = SeededRandom(seed: 2)
    for (call, labels) in [[3, 1], [3, 1], [7, 0], [5]].enumerated() {
      // New parameters for every call (θ + small noise), the buffers unchanged.
      let theta = start.flattenedParameters(of: network)
      let weights = start.replacingParameters(of: network, with: theta + Tensor<Double>.normal(theta.shape, using: &rng) * 0.01)
      let images = Tensor<Double>.uniform([labels.count] + spec.inputShape, using: &rng)
      let (leaves, _) = weights.bind(network, as: Double.self)
      let replay = gradient(parameters: leaves.map(\.value), images: images, labels: labels)
      let (loss, reference) = eager(network, weights, images, labels)
      #expect(abs(replay.loss - loss) <= 1e-12 * max(1, abs(loss)), "call \(call)")
      #expect(replay.gradients.count == reference.count)
      for (got, want) in zip(replay.gradients, reference) {
        #expect(got.shape == want.shape)
        #expect((got - want).maxAbs() <= 1e-10 * max(1, want.maxAbs()), "call \(call)")
      }
    }
  }
}
