import Autodiff

/// One node of an ONNX graph, decoded from its protobuf message: op, operand names and
/// attributes.
struct ONNXNode: Sendable {
  /// Position in the file's node list (how unnamed nodes are named in errors).
  let index: Int
  let name: String
  let op: String
  /// Operand names; "" marks an omitted optional input.
  let inputs: [String]
  let outputs: [String]
  let attributes: [String: ONNXAttribute]

  var label: ONNXNodeLabel { ONNXNodeLabel(op: op, name: name, index: index) }
}

/// A decoded attribute value (graphs and other kinds i2f never reads are kept by name only).
enum ONNXAttribute: Sendable {
  case float(Double)
  case int(Int64)
  case string(String)
  case tensor(ONNXTensor)
  case floats([Double])
  case ints([Int64])
  case strings([String])
  /// A kind i2f does not read (graph, sparse tensor, type, …), or a reference to a function's
  /// attribute.
  case unsupported(String)
}

/// The value of an initializer, a constant or an attribute tensor.
enum ONNXTensor: Sendable {
  case float(Tensor<Double>)
  case integer(IntegerTensor)

  var shape: [Int] {
    switch self {
    case .float(let t): t.shape
    case .integer(let t): t.shape
    }
  }
}
