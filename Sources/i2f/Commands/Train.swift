import ArgumentParser
import Foundation
import Leakage

/// `i2f train`: train a model on a data set and save its weights, for the `trained` initialisation.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a model on a data set for a few epochs and save the weights (safetensors).",
    discussion: "The saved file works as --init FILE everywhere, and the explorer lists it under initialisations.")

  @OptionGroup var modelOptions: ModelOptions

  @Option(help: "Data set: digits, faces, photos (embedded), mnist, mnist-train, cifar10, cifar10-train (need --data).")
  var dataset = "digits"

  @OptionGroup var dataOptions: DataOptions

  @Option(help: "Input normalisation as the model's first layer (MEAN:STD or mnist, cifar10, imagenet); saved with the weights.",
          transform: Parse.normalization)
  var normalize: InputNormalization?

  @Option(help: "Epochs.")
  var epochs = 5

  @Option(help: "Mini-batch size.")
  var batchSize = 32

  @Option(help: "Optimizer (sgd with momentum 0.9).")
  var optimizer: TrainingConfiguration.Optimizer = .adam

  @Option(help: "Learning rate.")
  var lr = 1e-2

  @Option(help: "Fraction of the data held out to measure accuracy.")
  var holdOut = 0.1

  @Option(help: "Output file (default: Weights/MODEL-DATASET.safetensors).")
  var output: String?

  func run() throws {
    SignalHandling.install()
    let opt = optimizer
    let set = try dataOptions.catalogue().dataset(named: dataset)
    var spec = ModelSpec(modelOptions.model, inputShape: set.imageShape, classCount: max(set.classCount, 2), hiddenWidth: modelOptions.width,
                         stem: modelOptions.stem ?? .cifar)
    spec.normalization = normalize
    let network = try spec.makeNetwork()
    Warnings.print(network.warnings)
    let start = try modelOptions.weightSource().weights(for: network)
    var config = TrainingConfiguration()
    config.optimizer = opt
    config.learningRate = lr
    config.epochs = epochs
    config.batchSize = batchSize
    config.holdOut = holdOut
    config.seed = modelOptions.seed
    let path = output ?? "Weights/\(modelOptions.model.shortName)-\(set.name).safetensors"
    print("training \(network.spec) on \(set.name) (\(set.count) images, \(Int(holdOut * 100))% held out), \(opt.rawValue) lr \(lr), \(epochs) epochs")
    var bar = ProgressLine(total: 1)
    let begin = Date()
    let (weights, reports) = try Trainer.train(network, from: start, on: set, configuration: config, progress: { epoch, done, total, loss in
      if bar.total != total { bar = ProgressLine(total: total) }
      bar.update(done, "epoch \(epoch)/\(epochs)  loss \(Table.format(loss))")
    }, epochDone: { r in
      bar.finish()
      print("epoch \(r.epoch): mean loss \(Table.format(r.meanLoss)), held-out accuracy \(String(format: "%.1f%%", 100 * r.heldOutAccuracy))")
    })
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    try weights.save(to: path, spec: network.spec, extraMetadata: ["i2f.held_out_accuracy": String(reports.last?.heldOutAccuracy ?? 0)])
    print("saved \(path) (\(String(format: "%.1f", Date().timeIntervalSince(begin))) s); use it with --init \(path)")
  }
}
