import Autodiff
import Leakage

/// Small victims for analysis and attack tests, with random images (no data files needed).
enum TestVictims {
  static func make(
    _ architecture: Architecture, inputShape: [Int] = [1, 8, 8], batch: Int = 1, classes: Int = 10, width: Int = 8,
    initializer: Initializer = .uniform, seed: UInt64 = 1
  ) throws -> VictimBatch {
    let network = try ModelSpec(architecture, inputShape: inputShape, classCount: classes, hiddenWidth: width).makeNetwork()
    var rng = SeededRandom(seed: seed)
    let images = Tensor<Double>.uniform([batch] + inputShape, using: &rng)
    let labels = (0..<batch).map { (Int(seed) + 3 * $0) % classes }
    return try VictimBatch(network: network, weights: initializer.weights(for: network, seed: seed), images: images, labels: labels)
  }
}
