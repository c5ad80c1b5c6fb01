import Foundation

/// Where a model's weights come from: a seeded initialisation, a safetensors file (trained by
/// `i2f train` or exported from PyTorch), training on the sample's data set (cached, see
/// ``TrainedWeightsCache``), or the model file itself (an ONNX file's initializers).
public enum WeightSource: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
  case initializer(Initializer, seed: UInt64)
  /// A safetensors file. For a model with embedded weights it overrides them by name: only the
  /// tensors it holds, the rest stay as stored in the model file.
  case file(String)
  /// Trained for a few epochs on the data set of the scenario's sample, from the uniform
  /// initialisation with `seed`.
  case trained(seed: UInt64)
  /// The weights stored in the model file (the default for ONNX models).
  case embedded

  /// `uniform`, `normal`, `xavier`, `kaiming`, `trained`, `embedded`, or the path of a weights file.
  public init(parsing text: String, seed: UInt64) throws(ModelError) {
    if let i = Initializer(rawValue: text.lowercased()) {
      self = .initializer(i, seed: seed)
    } else if text.lowercased() == "trained" {
      self = .trained(seed: seed)
    } else if text.lowercased() == "embedded" {
      self = .embedded
    } else if text.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: text) {
      self = .file(text)
    } else {
      throw .unknownInitializer(text)
    }
  }

  public var description: String {
    switch self {
    case .initializer(let i, let seed): "\(i) (seed \(seed))"
    case .file(let path): (path as NSString).lastPathComponent
    case .trained(let seed): "trained (seed \(seed))"
    case .embedded: "embedded"
    }
  }

  /// Short label for menus and pane titles.
  public var shortName: String {
    switch self {
    case .initializer(let i, _): i.rawValue
    case .file(let path): ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    case .trained: "trained"
    case .embedded: "embedded"
    }
  }

  /// The seed of a random initialisation or of training; nil for files and embedded weights.
  public var seed: UInt64? {
    switch self {
    case .initializer(_, let seed), .trained(let seed): seed
    case .file, .embedded: nil
    }
  }

  /// The same kind of weights with another seed (files and embedded weights are unchanged).
  public func withSeed(_ seed: UInt64) -> WeightSource {
    switch self {
    case .initializer(let i, _): .initializer(i, seed: seed)
    case .trained: .trained(seed: seed)
    case .file, .embedded: self
    }
  }

  /// The weights for `network` from an initialiser or a file. Trained weights depend on a data
  /// set, so they come through ``Scenario/victim(using:trainedWeights:training:)`` instead.
  public func weights(for network: any Network) throws -> ModelWeights {
    switch self {
    case .initializer(let i, let seed): return i.weights(for: network, seed: seed)
    case .file(let path):
      guard let embedded = network.embeddedWeights else { return try ModelWeights.load(path, for: network) }
      return try ModelWeights.load(path, over: embedded, for: network)
    case .trained: throw ModelError.invalidTraining("trained weights are trained on a sample's data set: not a starting point here")
    case .embedded:
      guard let embedded = network.embeddedWeights else {
        throw ModelError.unsupportedModel(network.spec.source.description, "a built-in model has no embedded weights; choose --init or --weights")
      }
      return embedded
    }
  }
}
