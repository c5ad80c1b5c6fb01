/// Why an ONNX file cannot be used: one line, naming the file and, for a node, its op, its name
/// (or index) and what is wrong with it.
public enum ONNXError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file (or an external data file) cannot be read.
  case unreadable(file: String, reason: String)
  /// Not a well-formed ONNX model: truncated, not protobuf, inconsistent.
  case malformed(file: String, problem: String)
  /// An op i2f does not implement.
  case unsupportedOp(file: String, node: ONNXNodeLabel)
  /// An attribute (or attribute value) of a supported op that i2f does not implement.
  case unsupportedAttribute(file: String, node: ONNXNodeLabel, attribute: String, detail: String)
  /// A node whose inputs do not fit it (shapes, types, missing operands).
  case invalidNode(file: String, node: ONNXNodeLabel, problem: String)
  /// A node reads a tensor that no initializer, input or earlier node provides.
  case missingInput(file: String, node: ONNXNodeLabel, input: String)
  /// An initializer whose data does not match its declared type and shape.
  case invalidInitializer(file: String, name: String, problem: String)
  /// A graph i2f cannot use as an image classifier (inputs, outputs, batch dimension).
  case unsupportedGraph(file: String, problem: String)
  /// A graph beyond the limits that bound the work a file can cause.
  case tooLarge(file: String, problem: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
    case .malformed(let file, let problem): "\(file): not a valid ONNX model: \(problem)"
    case .unsupportedOp(let file, let node): "\(file): unsupported op \(node.op) (\(node))"
    case .unsupportedAttribute(let file, let node, let attribute, let detail):
      "\(file): \(node.op) (\(node)): unsupported attribute \(attribute)\(detail.isEmpty ? "" : " (\(detail))")"
    case .invalidNode(let file, let node, let problem): "\(file): \(node.op) (\(node)): \(problem)"
    case .missingInput(let file, let node, let input):
      "\(file): \(node.op) (\(node)) reads '\(input)', which no initializer, graph input or earlier node provides"
    case .invalidInitializer(let file, let name, let problem): "\(file): initializer '\(name)': \(problem)"
    case .unsupportedGraph(let file, let problem): "\(file): \(problem)"
    case .tooLarge(let file, let problem): "\(file): too large: \(problem)"
    }
  }
}

/// How an error names a node: its op, and its name or (for unnamed nodes) its index in the file.
public struct ONNXNodeLabel: Equatable, Sendable, CustomStringConvertible {
  public let op: String
  public let name: String
  public let index: Int

  public init(op: String, name: String, index: Int) {
    self.op = op
    self.name = name
    self.index = index
  }

  public var description: String { name.isEmpty ? "node #\(index)" : "node '\(name)', #\(index)" }
}
