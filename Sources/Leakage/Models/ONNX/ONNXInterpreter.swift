import Autodiff

/// A tensor flowing through an ONNX graph: a differentiable float tensor, or an integer one
/// (shapes, indices, masks).
enum ONNXValue<S: TensorScalar> {
  case float(Variable<S>)
  case integer(IntegerTensor)

  var shape: [Int] {
    switch self {
    case .float(let v): v.shape
    case .integer(let t): t.shape
    }
  }
}

/// The ops i2f runs, by ONNX name.
enum ONNXOps {
  static let supported: Set<String> = [
    // Layers
    "Conv", "Gemm", "MatMul", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
    // Elementwise
    "Add", "Sub", "Mul", "Div", "Neg", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Elu", "Exp", "Log",
    "Sqrt", "Abs", "Reciprocal", "Pow", "Clip", "Softmax", "LogSoftmax", "ReduceMean", "ReduceSum",
    "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "Where",
    // Movement and shapes
    "Identity", "Dropout", "Flatten", "Reshape", "Transpose", "Concat", "Pad", "Slice", "Gather", "Squeeze",
    "Unsqueeze", "Shape", "Size", "Cast", "ConstantOfShape", "Range",
  ]
}

/// Runs an ``ONNXModel``'s nodes on ``Variable``s: the forward pass of ``ONNXNetwork``, built
/// from differentiable ops, so J·δ and Jᵀ·v work as for the built-in models. Integer tensors
/// (shape arithmetic) are evaluated on the spot from the actual batch.
///
/// Everything a node asks is checked before an Autodiff op sees it, so a graph that does not fit
/// throws an ``ONNXError`` instead of trapping. With `checking`, tensor sizes and multiply–adds
/// are bounded too (``ONNXLimits``): the check run at load time.
struct ONNXInterpreter<S: TensorScalar> {
  let model: ONNXModel
  let binding: ParameterBinding<S>
  let checking: Bool
  var values: [String: ONNXValue<S>] = [:]
  /// Multiply–adds so far (bounded when checking).
  var macs = 0
  /// Elements of every tensor made so far (bounded when checking).
  var elements = 0

  init(model: ONNXModel, binding: ParameterBinding<S>, checking: Bool) {
    self.model = model
    self.binding = binding
    self.checking = checking
  }

  var file: String { model.fileName }
  var opset: Int { model.opset }

  /// The logits for input `x` (already in the graph's input layout).
  mutating func run(_ x: Variable<S>) throws(ONNXError) -> Variable<S> {
    values[model.inputName] = .float(x)
    for node in model.nodes {
      let c = NodeContext(node: node, file: file)
      var inputs: [ONNXValue<S>?] = []
      for name in node.inputs { inputs.append(name.isEmpty ? nil : try value(name, c)) }
      let outputs = try apply(c, inputs)
      for (name, v) in zip(node.outputs, outputs) where !name.isEmpty { values[name] = v }
      if checking {
        elements += outputs.reduce(0) { $0 + $1.shape.elementCount }
        guard elements <= ONNXLimits.checkRunElements else {
          throw .tooLarge(file: file, problem: "the tensors for one image exceed \(ONNXLimits.checkRunElements) values (at \(node.op), \(c.node.label))")
        }
      }
    }
    guard case .float(let y)? = values[model.outputName] else {
      throw .unsupportedGraph(file: file, problem: "the output '\(model.outputName)' is not a float tensor")
    }
    return y
  }

  /// The tensor called `name`: a node's result, the input, a parameter, a buffer or a constant.
  func value(_ name: String, _ c: NodeContext) throws(ONNXError) -> ONNXValue<S> {
    if let v = values[name] { return v }
    if let p = binding.parameters[name] { return .float(p) }
    if let b = binding.buffers[name] { return .float(Variable(b)) }
    switch model.constants[name] {
    case .float(let t)?: return .float(Variable(Tensor<S>(t)))
    case .integer(let t)?: return .integer(t)
    case nil: throw c.fail("reads '\(name)', an output i2f does not compute (only the first output of Dropout, MaxPool and BatchNormalization is)")
    }
  }

  /// One node's outputs.
  mutating func apply(_ c: NodeContext, _ x: [ONNXValue<S>?]) throws(ONNXError) -> [ONNXValue<S>] {
    switch c.node.op {
    case "Conv": return [.float(try conv(c, x))]
    case "Gemm": return [.float(try gemm(c, x))]
    case "MatMul": return [.float(try matmul(c, x))]
    case "BatchNormalization": return [.float(try batchNormalization(c, x))]
    case "MaxPool", "AveragePool": return [.float(try pool(c, x))]
    case "GlobalAveragePool": return [.float(try globalAveragePool(c, x))]
    case "Add", "Sub", "Mul", "Div": return [try arithmetic(c, x)]
    case "Neg": return [try negate(c, x)]
    case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Elu", "Exp", "Log", "Sqrt", "Abs", "Reciprocal":
      return [.float(try activation(c, x))]
    case "Pow": return [.float(try power(c, x))]
    case "Clip": return [.float(try clip(c, x))]
    case "Softmax", "LogSoftmax": return [.float(try softmax(c, x))]
    case "ReduceMean", "ReduceSum": return [.float(try reduce(c, x))]
    case "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual": return [.integer(try compare(c, x))]
    case "Not": return [.integer(try not(c, x))]
    case "Where": return [try select(c, x)]
    case "Identity": return [try passThrough(c, x)]
    case "Dropout": return [try dropout(c, x)]
    case "Flatten": return [try flatten(c, x)]
    case "Reshape": return [try reshape(c, x)]
    case "Transpose": return [try transpose(c, x)]
    case "Concat": return [try concat(c, x)]
    case "Pad": return [.float(try pad(c, x))]
    case "Slice": return [try slice(c, x)]
    case "Gather": return [try gather(c, x)]
    case "Squeeze", "Unsqueeze": return [try squeezeOrUnsqueeze(c, x)]
    case "Shape": return [.integer(try shapeOf(c, x))]
    case "Size": return [.integer(try sizeOf(c, x))]
    case "Cast": return [try cast(c, x)]
    case "ConstantOfShape": return [try constantOfShape(c, x)]
    case "Range": return [.integer(try range(c, x))]
    default: throw .unsupportedOp(file: file, node: c.node.label)
    }
  }

  // MARK: - Operands

  func float(_ x: [ONNXValue<S>?], _ i: Int, _ c: NodeContext) throws(ONNXError) -> Variable<S> {
    guard i < x.count, let v = x[i] else { throw c.fail("input \(i) is missing") }
    guard case .float(let f) = v else { throw c.fail("input \(i) ('\(c.node.inputs[i])') is an integer tensor; a float tensor is needed") }
    return f
  }

  func optionalFloat(_ x: [ONNXValue<S>?], _ i: Int, _ c: NodeContext) throws(ONNXError) -> Variable<S>? {
    guard i < x.count, x[i] != nil else { return nil }
    return try float(x, i, c)
  }

  func integer(_ x: [ONNXValue<S>?], _ i: Int, _ c: NodeContext) throws(ONNXError) -> IntegerTensor {
    guard i < x.count, let v = x[i] else { throw c.fail("input \(i) is missing") }
    guard case .integer(let t) = v else { throw c.fail("input \(i) ('\(c.node.inputs[i])') is a float tensor; an integer tensor is needed") }
    return t
  }

  /// An optional integer input of rank 0 or 1, as `Int`s.
  func intList(_ x: [ONNXValue<S>?], _ i: Int, _ c: NodeContext) throws(ONNXError) -> [Int]? {
    guard i < x.count, x[i] != nil else { return nil }
    let t = try integer(x, i, c)
    guard t.rank <= 1 else { throw c.fail("input \(i) must be a scalar or a vector of integers, got shape \(t.shape)") }
    return t.ints
  }

  /// A float constant that does not depend on the input or the parameters (a threshold, an
  /// exponent, a bound).
  func constantScalar(_ x: [ONNXValue<S>?], _ i: Int, _ c: NodeContext) throws(ONNXError) -> Double? {
    guard i < x.count, let v = x[i] else { return nil }
    switch v {
    case .float(let f):
      guard !f.requiresGrad, f.count == 1 else { throw c.fail("input \(i) must be a constant scalar") }
      return Double(f.value.scalars[0])
    case .integer(let t):
      guard t.count == 1 else { throw c.fail("input \(i) must be a constant scalar") }
      return Double(t.values[0])
    }
  }

  // MARK: - Limits

  /// Checks a result's shape before it is allocated (sizes are bounded on the check run).
  func checkSize(_ shape: [Int], _ c: NodeContext) throws(ONNXError) {
    var n = 1
    for d in shape {
      guard d >= 0 else { throw c.fail("negative extent in the result shape \(shape)") }
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      guard !overflow, !checking || p <= ONNXLimits.tensorElements else {
        throw .tooLarge(file: file, problem: "\(c.node.op) (\(c.node.label)) would make a tensor of shape \(shape)")
      }
      n = p
    }
  }

  /// Counts multiply–adds (bounded on the check run).
  mutating func spend(_ count: Int, _ c: NodeContext) throws(ONNXError) {
    let (total, overflow) = macs.addingReportingOverflow(count)
    guard !overflow, !checking || total <= ONNXLimits.checkRunMACs else {
      throw .tooLarge(file: file, problem: "more than \(ONNXLimits.checkRunMACs) multiply–adds for one image (at \(c.node.op), \(c.node.label))")
    }
    macs = total
  }
}

/// One node being run: its attributes, read with their types checked, and its errors.
struct NodeContext {
  let node: ONNXNode
  let file: String

  func fail(_ problem: String) -> ONNXError { .invalidNode(file: file, node: node.label, problem: problem) }

  func unsupported(_ attribute: String, _ detail: String = "") -> ONNXError {
    .unsupportedAttribute(file: file, node: node.label, attribute: attribute, detail: detail)
  }

  /// Fails on attributes outside `known`, so nothing the file asks is silently ignored.
  func allow(_ known: Set<String>) throws(ONNXError) {
    if let other = node.attributes.keys.sorted().first(where: { !known.contains($0) }) { throw unsupported(other) }
  }

  func int(_ name: String) throws(ONNXError) -> Int? {
    switch node.attributes[name] {
    case nil: return nil
    case .int(let v)?: return Int(v)
    default: throw fail("attribute \(name) must be an integer")
    }
  }

  func ints(_ name: String) throws(ONNXError) -> [Int]? {
    switch node.attributes[name] {
    case nil: return nil
    case .ints(let v)?: return v.map { Int($0) }
    default: throw fail("attribute \(name) must be a list of integers")
    }
  }

  func float(_ name: String) throws(ONNXError) -> Double? {
    switch node.attributes[name] {
    case nil: return nil
    case .float(let v)?: return v
    default: throw fail("attribute \(name) must be a float")
    }
  }

  func string(_ name: String) throws(ONNXError) -> String? {
    switch node.attributes[name] {
    case nil: return nil
    case .string(let v)?: return v
    default: throw fail("attribute \(name) must be a string")
    }
  }

  /// `axis` resolved against `rank` (negative counts from the end).
  func axis(_ axis: Int, rank: Int) throws(ONNXError) -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0 && a < rank else { throw fail("axis \(axis) is out of range for rank \(rank)") }
    return a
  }
}
