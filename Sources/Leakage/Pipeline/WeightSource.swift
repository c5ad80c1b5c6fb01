import Foundation

/// Where a model's weights come from: a seeded initialisation, or a safetensors file (trained by
/// `i2f train` or exported from PyTorch).
public enum WeightSource: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
  case initializer(Initializer, seed: UInt64)
  case file(String)

  /// `uniform`, `normal`, `xavier`, `kaiming`, or the path of a weights file.
  public init(parsing text: String, seed: UInt64) throws(ModelError) {
    if let i = Initializer(rawValue: text.lowercased()) {
      self = .initializer(i, seed: seed)
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
    }
  }

  /// Short label for menus and pane titles.
  public var shortName: String {
    switch self {
    case .initializer(let i, _): i.rawValue
    case .file(let path): ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
  }

  /// The weights for `network`.
  public func weights(for network: any Network) throws -> ModelWeights {
    switch self {
    case .initializer(let i, let seed): i.weights(for: network, seed: seed)
    case .file(let path): try ModelWeights.load(path, for: network)
    }
  }
}
