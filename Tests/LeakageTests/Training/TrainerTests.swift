import Autodiff
import Leakage
import Testing

@Suite("Training")
struct TrainerTests {
  @Test func mlpLearnsTheDigits() throws {
    let digits = try EmbeddedSamples.catalogue.dataset(named: "digits")
    let network = try ModelSpec(.mlp, inputShape: digits.imageShape, classCount: 10).makeNetwork()
    var config = TrainingConfiguration()
    config.epochs = 5
    let (weights, reports) = try Trainer.train(network, from: Initializer.uniform.weights(for: network, seed: 0), on: digits, configuration: config)
    #expect(reports.count == 5)
    #expect(reports.last!.heldOutAccuracy > 0.9, "held-out accuracy \(reports.last!.heldOutAccuracy)")
    #expect(reports.last!.meanLoss < reports.first!.meanLoss)
    #expect(try weights.validated(for: network) == weights)
  }

  @Test func batchNormRunningStatisticsFollowTheBatches() throws {
    let faces = try EmbeddedSamples.catalogue.dataset(named: "faces")
    let network = try ModelSpec(.resnet8, inputShape: faces.imageShape, classCount: 2).makeNetwork()
    var config = TrainingConfiguration()
    config.epochs = 1
    config.batchSize = 30
    let start = Initializer.kaiming.weights(for: network, seed: 1)
    let (trained, _) = try Trainer.train(network, from: start, on: faces, configuration: config)
    // 90 training images in batches of 30: three updates, each pulling the statistics 10% of the way.
    #expect(trained.tensors["bn1.num_batches_tracked"]?.scalar == 3)
    let mean = try #require(trained.tensors["bn1.running_mean"]), variance = try #require(trained.tensors["bn1.running_var"])
    #expect(mean.maxAbs() > 0 && mean != start.tensors["bn1.running_mean"])
    #expect(variance.scalars.allSatisfy { $0 > 0 } && variance != start.tensors["bn1.running_var"])
  }

  @Test func nonsenseConfigurationsAreRefused() throws {
    var config = TrainingConfiguration()
    config.holdOut = 1
    #expect(throws: ModelError.self) { try config.validated() }
  }
}
