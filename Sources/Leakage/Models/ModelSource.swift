import Foundation

/// Which network a scenario analyses: one of the built-in architectures, or a model exported to
/// ONNX (`torch.onnx.export`) by the user.
public enum ModelSource: Hashable, Sendable, Codable, CustomStringConvertible {
  case builtin(Architecture)
  /// The path of an `.onnx` file.
  case onnx(String)

  /// A built-in name (`convnet5`, `mlp`, …) or the path of an `.onnx` file.
  public init(parsing text: String) throws(ModelError) {
    if let a = Architecture(rawValue: text.lowercased()) {
      self = .builtin(a)
    } else if text.lowercased().hasSuffix(".onnx") {
      self = .onnx(text)
    } else {
      throw .unknownArchitecture(text)
    }
  }

  /// The built-in architecture, if this is one.
  public var architecture: Architecture? {
    if case .builtin(let a) = self { return a }
    return nil
  }

  /// The name a user types: the architecture's name or the file's path.
  public var description: String {
    switch self {
    case .builtin(let a): a.rawValue
    case .onnx(let path): path
    }
  }

  /// Short label for titles and menus: the architecture's name or the file's name.
  public var shortName: String {
    switch self {
    case .builtin(let a): a.rawValue
    case .onnx(let path): (path as NSString).lastPathComponent
    }
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = try ModelSource(parsing: text)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}
