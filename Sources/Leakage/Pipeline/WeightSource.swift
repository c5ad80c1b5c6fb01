import Foundation

/// Where a model's weights come from: a seeded initialisation, a safetensors file (trained by
/// `i2f train` or exported from PyTorch), or the model file itself (an ONNX file's initializers).
public enum WeightSource: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
  case initializer(Initializer, seed: UInt64)
  /// A safetensors file. For a model with embedded weights it overrides them by name: only the
  /// tensors it holds, the rest stay as stored in the model file.
  case file(String)
  /// The weights stored in the model file (the default for ONNX models).
  case embedded

  /// `uniform`, `normal`, `xavier`, `kaiming`, `embedded`, or the path of a weights file.
  public init(parsing text: String, seed: UInt64) throws(ModelError) {
    if let i = Initializer(rawValue: text.lowercased()) {
      self = .initializer(i, seed: seed)
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
    case .embedded: "embedded"
    }
  }

  /// Short label for menus and pane titles.
  public var shortName: String {
    switch self {
    case .initializer(let i, _): i.rawValue
    case .file(let path): ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    case .embedded: "embedded"
    }
  }

  /// The weights for `network`.
  public func weights(for network: any Network) throws -> ModelWeights {
    switch self {
    case .initializer(let i, let seed): return i.weights(for: network, seed: seed)
    case .file(let path):
      guard let embedded = network.embeddedWeights else { return try ModelWeights.load(path, for: network) }
      return try ModelWeights.load(path, over: embedded, for: network)
    case .embedded:
      guard let embedded = network.embeddedWeights else {
        throw ModelError.unsupportedModel(network.spec.source.description, "a built-in model has no embedded weights; choose --init or --weights")
      }
      return embedded
    }
  }
}
