import Foundation

/// Weights trained for the `trained` initialisation, kept on disk so each model, data set and
/// seed is trained once: the first use trains for a few epochs (``configuration``) and saves the
/// result atomically; later uses read it back.
///
/// Files live in ``directory`` (`$XDG_CACHE_HOME/i2f/trained`, else `~/.cache/i2f/trained`) and
/// are named after what they depend on, e.g. `convnet5-1x8x8-c10-digits-seed0-adam-lr0.01-b32-e5.safetensors`.
/// Each is an ordinary i2f weights file (usable with `--init FILE`).
public struct TrainedWeightsCache: Sendable, Equatable {
  /// Where the weights files live.
  public let directory: URL
  /// How weights are trained on a miss (its seed is replaced by the requested one).
  public var configuration: TrainingConfiguration

  /// `configuration`: by default ``TrainingConfiguration``'s five epochs of Adam — seconds on the
  /// embedded data sets, and far enough from the initialisation to compare the two.
  public init(directory: URL, configuration: TrainingConfiguration = TrainingConfiguration()) {
    self.directory = directory
    self.configuration = configuration
  }

  /// The cache in the user's cache directory: `$XDG_CACHE_HOME/i2f/trained`, else
  /// `$HOME/.cache/i2f/trained`.
  public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> TrainedWeightsCache {
    let base: URL
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      base = URL(fileURLWithPath: xdg)
    } else {
      base = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
    }
    return TrainedWeightsCache(directory: base.appendingPathComponent("i2f").appendingPathComponent("trained"))
  }

  /// Where the weights of `spec` trained on `dataset` from seed `seed` are kept.
  public func file(for spec: ModelSpec, dataset: String, seed: UInt64) -> URL {
    let model = spec.architecture.map(\.rawValue) ?? Self.safe(spec.source.shortName)
    let width = spec.architecture == .mlp ? "w\(spec.hiddenWidth)-" : ""
    let shape = spec.inputShape.map(String.init).joined(separator: "x")
    let c = configuration
    let normalized = spec.normalization.map { "n\(Self.safe($0.description))-" } ?? ""
    let name = "\(model)-\(width)\(shape)-c\(spec.classCount)-\(normalized)\(Self.safe(dataset))-seed\(seed)-\(c.optimizer.rawValue)-lr\(String(format: "%g", c.learningRate))-b\(c.batchSize)-e\(c.epochs).safetensors"
    return directory.appendingPathComponent(name)
  }

  /// The weights of `network` trained on `dataset` from the uniform initialisation with `seed`:
  /// read from the cache, or trained now (reporting `progress` after every batch) and saved.
  /// Throws `CancellationError` when the task is cancelled while training.
  public func weights(
    for network: any Network, dataset: Dataset, seed: UInt64, progress: (TrainingProgress) -> Void = { _ in }
  ) throws -> ModelWeights {
    let url = file(for: network.spec, dataset: dataset.name, seed: seed)
    if FileManager.default.fileExists(atPath: url.path) {
      return try ModelWeights.load(url.path, for: network)
    }
    var c = configuration
    c.seed = seed
    let start = Initializer.uniform.weights(for: network, seed: seed)
    let (trained, reports) = try Trainer.train(network, from: start, on: dataset, configuration: c, progress: { epoch, batch, batches, _ in
      progress(TrainingProgress(epoch: epoch, epochs: c.epochs, batch: batch, batches: batches))
    })
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw FileWriteError(file: directory.path, reason: "cannot create the cache directory: \(error.localizedDescription)")
    }
    try trained.save(to: url.path, spec: network.spec,
                     extraMetadata: ["i2f.held_out_accuracy": String(reports.last?.heldOutAccuracy ?? 0)])
    // Read back what was written (Float32), so a fresh result and a cached one are identical.
    return try ModelWeights.load(url.path, for: network)
  }

  private static func safe(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
  }
}

/// Where training stands: epoch and batch (both 1-based once started).
public struct TrainingProgress: Sendable, Equatable {
  /// The epoch under way, 1-based.
  public var epoch: Int
  public var epochs: Int
  /// Batches done in this epoch.
  public var batch: Int
  /// Batches per epoch.
  public var batches: Int

  public init(epoch: Int, epochs: Int, batch: Int, batches: Int) {
    self.epoch = epoch
    self.epochs = epochs
    self.batch = batch
    self.batches = batches
  }

  /// Fraction of all batches done.
  public var fraction: Double {
    let total = epochs * batches
    return total > 0 ? Double((epoch - 1) * batches + batch) / Double(total) : 0
  }
}
