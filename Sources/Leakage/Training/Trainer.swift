import Autodiff
import Foundation

/// How to train a model on a data set: what `i2f train` runs to produce "trained" weights.
public struct TrainingConfiguration: Sendable, Equatable {
  public enum Optimizer: String, Sendable, CaseIterable, Codable {
    /// SGD with momentum 0.9.
    case sgd
    case adam
  }

  public var optimizer: Optimizer = .adam
  public var learningRate = 1e-2
  public var epochs = 5
  public var batchSize = 32
  /// Fraction of the data held out (never trained on) to measure accuracy.
  public var holdOut = 0.1
  /// Seed of the shuffling and the split.
  public var seed: UInt64 = 0

  public init() {}

  public func validated() throws(ModelError) -> TrainingConfiguration {
    guard epochs >= 1, batchSize >= 1, learningRate > 0, learningRate.isFinite, holdOut > 0, holdOut < 1 else {
      throw .invalidTraining("epochs and batch size must be ≥ 1, the learning rate > 0 and the hold-out fraction in (0, 1)")
    }
    return self
  }
}

/// What one epoch achieved.
public struct EpochReport: Sendable {
  public var epoch: Int
  public var meanLoss: Double
  /// Accuracy on the held-out samples.
  public var heldOutAccuracy: Double
}

/// Mini-batch training in Float32 with cross-entropy; batch normalisation uses batch statistics
/// while training and updates its running statistics (momentum 0.1), as PyTorch does.
public enum Trainer {
  /// Trains `network` from `weights` on `dataset`. `progress(epoch, batchesDone, batches, loss)` is
  /// called after every batch; `epochDone` after every epoch.
  public static func train(
    _ network: any Network, from weights: ModelWeights, on dataset: Dataset, configuration: TrainingConfiguration,
    progress: (Int, Int, Int, Double) -> Void = { _, _, _, _ in }, epochDone: (EpochReport) -> Void = { _ in }
  ) throws -> (weights: ModelWeights, reports: [EpochReport]) {
    let c = try configuration.validated()
    guard dataset.imageShape == network.spec.inputShape, dataset.classCount <= network.spec.classCount else {
      throw ModelError.invalidTraining("\(dataset.name) has \(dataset.imageShape) images and \(dataset.classCount) classes; the model expects \(network.spec)")
    }
    var rng = SeededRandom(seed: c.seed)
    var order = Array(0..<dataset.count)
    order.shuffle(using: &rng)
    let heldOutCount = Swift.max(1, Int(Double(dataset.count) * c.holdOut))
    let heldOut = Array(order.prefix(heldOutCount)), training = Array(order.dropFirst(heldOutCount))
    guard !training.isEmpty else { throw ModelError.invalidTraining("\(dataset.name) is too small to train on") }

    var theta = weights.flattenedParameters(of: network).scalars.map { Float($0) }
    var buffers = weights
    let layout = ParameterLayout(network)
    // Without batch normalisation every batch replays one compiled forward and backward pass.
    let compiled = network.buffers.isEmpty ? LossGradient<Float>(network: network, buffers: weights) : nil
    var adam = Adam<Float>(count: theta.count)
    var velocity = [Float](repeating: 0, count: theta.count)
    var reports: [EpochReport] = []
    let batches = (training.count + c.batchSize - 1) / c.batchSize
    for epoch in 1...c.epochs {
      try Task.checkCancellation()
      var shuffled = training
      shuffled.shuffle(using: &rng)
      var lossSum = 0.0
      for b in 0..<batches {
        let indices = Array(shuffled[(b * c.batchSize)..<Swift.min((b + 1) * c.batchSize, shuffled.count)])
        let images = try dataset.images(at: indices, as: Float.self)
        let labels = try indices.map { try dataset.label(at: $0) }
        let (loss, grads): (Float, [Float])
        if let compiled {
          let step = compiled(parameters: layout.split(Tensor(shape: [theta.count], scalars: theta)), images: images, labels: labels)
          (loss, grads) = (step.loss, step.gradients.flatMap(\.scalars))
        } else {
          // Batch normalisation in training mode: batch statistics, recorded for the running ones.
          let current = buffers.replacingParameters(of: network, with: Tensor(shape: [theta.count], scalars: theta.map(Double.init)))
          let (leaves, binding) = current.bind(network, as: Float.self, training: true)
          let recorder = BatchStatisticsRecorder()
          let l = VictimBatch.loss(network, Variable(images), binding.recording(into: recorder), labels: labels)
          (loss, grads) = (l.value.scalar, gradients(of: l, withRespectTo: leaves).flatMap(\.value.scalars))
          buffers = updatedRunningStatistics(current, recorder)
        }
        lossSum += Double(loss)
        switch c.optimizer {
        case .adam: adam.step(&theta, gradient: grads, lr: c.learningRate, signed: false)
        case .sgd:
          for i in theta.indices {
            velocity[i] = 0.9 * velocity[i] + grads[i]
            theta[i] -= Float(c.learningRate) * velocity[i]
          }
        }
        progress(epoch, b + 1, batches, Double(loss))
      }
      buffers = buffers.replacingParameters(of: network, with: Tensor(shape: [theta.count], scalars: theta.map(Double.init)))
      guard theta.allSatisfy({ $0.isFinite }) else {
        throw ModelError.invalidTraining("training diverged in epoch \(epoch); lower the learning rate")
      }
      let report = EpochReport(epoch: epoch, meanLoss: lossSum / Double(batches),
                               heldOutAccuracy: try accuracy(network, buffers, dataset, heldOut))
      reports.append(report)
      epochDone(report)
    }
    var trained = buffers
    trained.provenance = "trained on \(dataset.name), \(c.epochs) epochs \(c.optimizer.rawValue) (from \(weights.provenance))"
    return (trained, reports)
  }

  /// Fraction of `indices` whose arg-max logit is the label (evaluation mode).
  public static func accuracy(_ network: any Network, _ weights: ModelWeights, _ dataset: Dataset, _ indices: [Int]) throws -> Double {
    let (_, binding) = weights.bind(network, as: Float.self, requiresGrad: false)
    var correct = 0
    for start in stride(from: 0, to: indices.count, by: 256) {
      let chunk = Array(indices[start..<Swift.min(start + 256, indices.count)])
      let logits = network.logits(Variable(try dataset.images(at: chunk, as: Float.self)), binding).value
      let k = logits.shape[1]
      for (row, i) in chunk.enumerated() {
        let scores = logits.scalars[(row * k)..<((row + 1) * k)]
        if scores.indices.max(by: { scores[$0] < scores[$1] }).map({ $0 - row * k }) == (try dataset.label(at: i)) { correct += 1 }
      }
    }
    return Double(correct) / Double(Swift.max(indices.count, 1))
  }

  /// Running statistics after one training batch: running ← 0.9·running + 0.1·batch (unbiased
  /// variance), from the statistics each batch-norm layer recorded in the training forward pass.
  static func updatedRunningStatistics(_ weights: ModelWeights, _ recorder: BatchStatisticsRecorder) -> ModelWeights {
    var updated = weights
    for (prefix, stats) in recorder.statistics {
      let meanKey = "\(prefix).running_mean", varKey = "\(prefix).running_var", countKey = "\(prefix).num_batches_tracked"
      if let m = updated.tensors[meanKey], let v = updated.tensors[varKey] {
        updated.tensors[meanKey] = m * 0.9 + stats.mean * 0.1
        updated.tensors[varKey] = v * 0.9 + stats.variance * 0.1
      }
      if let n = updated.tensors[countKey] { updated.tensors[countKey] = n + 1 }
    }
    return updated
  }
}

/// Collects the batch statistics each batch-norm layer sees in a training-mode forward pass.
final class BatchStatisticsRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var statistics: [(String, (mean: Tensor<Double>, variance: Tensor<Double>))] = []

  func record(_ prefix: String, _ stats: (mean: Tensor<Double>, variance: Tensor<Double>)) {
    lock.lock()
    statistics.append((prefix, stats))
    lock.unlock()
  }
}
