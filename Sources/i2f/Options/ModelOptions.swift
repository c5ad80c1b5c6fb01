import ArgumentParser
import Foundation
import Leakage

/// Which network and which weights: shared by every command that builds a model.
struct ModelOptions: ParsableArguments {
  @Option(help: "Model: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")), or an .onnx file.",
          transform: Parse.model)
  var model: ModelSource = .builtin(.convnet5)

  @Option(help: "Hidden width of the mlp.")
  var width = 128

  @Option(help: "Stem of resnet18: cifar (3×3 conv, no max-pool) or imagenet (7×7/2 conv and 3×3/2 max-pool).")
  var stem: ResNetStem?

  @Option(name: .customLong("init"), help: "Weights: uniform, normal, xavier, kaiming, embedded (an ONNX model's own, its default), or a safetensors weights file. Default: uniform.")
  var initialization: String?

  @Option(help: "Weights file (safetensors, PyTorch state_dict names); same as --init FILE. For an ONNX model it replaces the tensors it names.")
  var weights: String?

  @Option(help: "Seed of the random initialisation.")
  var seed: UInt64 = 0

  func validate() throws {
    guard width > 0 else { throw ValidationError("--width must be positive") }
  }

  /// Where the weights come from: as given, else an ONNX model's own, else `uniform`.
  func weightSource() throws -> WeightSource {
    guard let text = weights ?? initialization else {
      if case .onnx = model { return .embedded }
      return .initializer(.uniform, seed: seed)
    }
    return try WeightSource(parsing: text, seed: seed)
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
