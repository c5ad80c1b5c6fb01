import ArgumentParser
import Foundation
import Leakage

/// Which network and which weights: shared by every command that builds a model. Options are
/// optional so that `apply(to:)` can tell what was given (it overrides only that).
struct ModelOptions: ParsableArguments {
  @Option(name: .customLong("model"), help: "Model: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")), or an .onnx file (default: convnet5).",
          transform: Parse.model)
  var givenModel: ModelSource?

  @Option(name: .customLong("width"), help: "Hidden width of the mlp (default: 128).")
  var givenWidth: Int?

  @Option(help: "Stem of resnet18: cifar (3×3 conv, no max-pool) or imagenet (7×7/2 conv and 3×3/2 max-pool).")
  var stem: ResNetStem?

  @Option(name: .customLong("init"),
          help: "Weights: uniform, normal, xavier, kaiming, trained (a few epochs on the sample's data set, cached in ~/.cache/i2f), embedded (an ONNX model's own, its default), or a safetensors weights file (default: uniform).")
  var givenInitialization: String?

  @Option(help: "Weights file (safetensors, PyTorch state_dict names); same as --init FILE. For an ONNX model it replaces the tensors it names.")
  var weights: String?

  @Option(name: .customLong("seed"), help: "Seed of the random initialisation and of training (default: 0).")
  var givenSeed: UInt64?

  var model: ModelSource { givenModel ?? .builtin(.convnet5) }
  var width: Int { givenWidth ?? 128 }
  var seed: UInt64 { givenSeed ?? 0 }

  func validate() throws {
    guard width > 0 else { throw ValidationError("--width must be positive") }
  }

  /// Where the weights come from: as given, else an ONNX model's own, else `uniform`.
  func weightSource() throws -> WeightSource {
    guard let text = weights ?? givenInitialization else {
      if case .onnx = model { return .embedded }
      return .initializer(.uniform, seed: seed)
    }
    return try WeightSource(parsing: text, seed: seed)
  }

  /// Sets in `s` the model and weights options that were given, leaving the others as they are
  /// (a lone `--seed` reseeds the weights `s` already has; a new ONNX model without weights
  /// options uses its own).
  func apply(to s: inout Scenario) throws {
    if let givenModel { s.model = givenModel }
    if let givenWidth { s.hiddenWidth = givenWidth }
    if let stem { s.stem = stem }
    if let text = weights ?? givenInitialization {
      s.weights = try WeightSource(parsing: text, seed: givenSeed ?? s.weights.seed ?? 0)
    } else if case .onnx? = givenModel {
      s.weights = .embedded
    } else if let givenSeed {
      s.weights = s.weights.withSeed(givenSeed)
    }
  }
}

/// Where data sets live: the embedded samples and the user's MNIST/CIFAR-10 directory.
struct DataOptions: ParsableArguments {
  @Option(help: "Directory with your MNIST IDX files or CIFAR-10 binary batches.")
  var data: String?

  @Option(help: "Directory of the embedded samples (default: ./Samples, $I2F_SAMPLES, or next to the executable).")
  var samples: String?

  /// The catalogue that resolves sample addresses and data set names.
  func catalogue() -> SampleCatalogue {
    SampleCatalogue(samplesDirectory: samples.map { URL(fileURLWithPath: $0) }, dataDirectory: data.map { URL(fileURLWithPath: $0) })
  }
}
