import Autodiff
import Foundation
import ONNXProto
import SwiftProtobuf

/// A model exported to ONNX (`torch.onnx.export`), parsed and checked, ready to become an
/// ``ONNXNetwork``: the nodes that compute its logits, and its initializers sorted into
/// parameters (θ), buffers (batch-norm running statistics) and constants (shapes, scalars).
///
/// Parsing is a pure function of the bytes (``init(bytes:fileName:externalData:)``): every
/// problem is a typed ``ONNXError`` naming the file, never a crash, and the work a file can cause
/// is bounded (``ONNXLimits``) before anything is allocated.
public struct ONNXModel: Sendable {
  /// The file name that errors and warnings mention.
  public let fileName: String
  /// Opset of the default ONNX domain.
  let opset: Int
  /// The nodes that compute the logits, each after the nodes it reads.
  let nodes: [ONNXNode]
  /// The image input.
  let inputName: String
  /// Declared dimensions of the input (nil where symbolic or unknown): `[batch, C, H, W]`, or
  /// `[batch, features]` for a model of flattened images.
  public let inputDimensions: [Int?]
  /// The logits: the graph's output, or the input of a trailing softmax.
  let outputName: String
  /// `Softmax` or `LogSoftmax` when the graph ended with one: i2f drops it and differentiates
  /// cross-entropy on the logits, as PyTorch's training loss does.
  public let droppedActivation: String?
  /// Trainable parameters in θ order: by first use in the graph, the classifier's bias last.
  public let parameters: [ParameterSpec]
  /// Batch-norm running statistics.
  public let buffers: [ParameterSpec]
  /// The values of the parameters and buffers stored in the file.
  public let initialValues: [String: Tensor<Double>]
  /// Tensors the graph reads that are neither parameters nor buffers: shape tensors, scalars,
  /// Constant nodes.
  let constants: [String: ONNXTensor]
  /// The bias of the final Gemm/MatMul/Conv, when it is a parameter.
  public let classifierBias: String?
  /// One line each: things the user should know (e.g. an exporter folded batch norm into the
  /// convolutions, so θ is not PyTorch's).
  public let warnings: [String]

  /// Reads `path` (and any external data files beside it, as `torch.onnx.export` writes for the
  /// dynamo exporter) and parses it.
  public static func load(path: String) throws(ONNXError) -> ONNXModel {
    let url = URL(fileURLWithPath: path)
    let bytes: Data
    do {
      bytes = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw .unreadable(file: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
    }
    let directory = url.deletingLastPathComponent()
    var opened: [String: Data] = [:]
    return try ONNXModel(bytes: bytes, fileName: path) { (location: String) throws(ONNXError) -> Data in
      if let data = opened[location] { return data }
      let parts = location.split(separator: "/")
      guard !location.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else {
        throw .unreadable(file: path, reason: "external data location '\(location)' lies outside the model's directory")
      }
      let file = directory.appendingPathComponent(location)
      guard let data = try? Data(contentsOf: file, options: .mappedIfSafe) else {
        throw .unreadable(file: path, reason: "its external data file '\(location)' is missing or unreadable")
      }
      opened[location] = data
      return data
    }
  }

  /// Parses an ONNX model from its bytes. A pure function: it reads nothing but `bytes` and what
  /// `externalData` returns for the external data locations the file names.
  public init(
    bytes: Data, fileName: String, externalData: ((String) throws(ONNXError) -> Data)? = nil
  ) throws(ONNXError) {
    self.fileName = fileName
    let proto: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.discardUnknownFields = true
      options.messageDepthLimit = ONNXLimits.messageDepth
      proto = try Onnx_ModelProto(serializedBytes: bytes, options: options)
    } catch {
      throw .malformed(file: fileName, problem: "cannot decode it (\(error)): truncated, or not an ONNX file")
    }
    guard proto.hasGraph else { throw .malformed(file: fileName, problem: "it holds no graph") }
    guard let opset = proto.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version else {
      throw .malformed(file: fileName, problem: "it names no opset for the default domain")
    }
    self.opset = Int(clamping: opset)
    let graph = proto.graph
    var prepared = try GraphPreparation(graph, file: fileName, externalData: externalData)
    try prepared.run()
    nodes = prepared.nodes
    inputName = prepared.inputName
    inputDimensions = prepared.inputDimensions
    outputName = prepared.outputName
    droppedActivation = prepared.droppedActivation
    parameters = prepared.parameters
    buffers = prepared.buffers
    initialValues = prepared.initialValues
    constants = prepared.constants
    classifierBias = prepared.classifierBias
    warnings = prepared.warnings
  }

  /// Names that exporters invent (`onnx::Conv_28`, `val_12`, `/Constant_output_0`), as opposed
  /// to a module's own parameter names.
  static func isGeneratedName(_ name: String) -> Bool {
    name.hasPrefix("onnx::") || name.hasPrefix("/") || (!name.isEmpty && name.allSatisfy(\.isNumber))
      || (name.hasPrefix("val_") && name.dropFirst(4).allSatisfy(\.isNumber))
  }
}

/// The steps from a decoded `GraphProto` to the checked parts of an ``ONNXModel``.
private struct GraphPreparation {
  let file: String
  let graph: Onnx_GraphProto
  var decoder: ONNXTensorDecoder
  var initializers: [String: ONNXTensor] = [:]
  var constants: [String: ONNXTensor] = [:]
  var nodes: [ONNXNode] = []
  var inputName = ""
  var inputDimensions: [Int?] = []
  var outputName = ""
  var droppedActivation: String?
  var parameters: [ParameterSpec] = []
  var buffers: [ParameterSpec] = []
  var initialValues: [String: Tensor<Double>] = [:]
  var classifierBias: String?
  var warnings: [String] = []
  /// Nodes whose metadata says an optimiser fused batch norm into them.
  var fusedNodes: [String] = []

  init(_ graph: Onnx_GraphProto, file: String, externalData: ((String) throws(ONNXError) -> Data)?) throws(ONNXError) {
    self.file = file
    self.graph = graph
    decoder = ONNXTensorDecoder(file: file, externalData: externalData)
  }

  mutating func run() throws(ONNXError) {
    guard graph.node.count <= ONNXLimits.nodes, graph.initializer.count <= ONNXLimits.nodes else {
      throw .tooLarge(file: file, problem: "\(graph.node.count) nodes and \(graph.initializer.count) initializers (at most \(ONNXLimits.nodes) each)")
    }
    guard graph.sparseInitializer.isEmpty else { throw .unsupportedGraph(file: file, problem: "sparse initializers are not supported") }
    try decodeInitializers()
    try findInputAndOutput()
    try decodeNodes()
    try sortNodes()
    resolveInitializerAliases()
    try dropTrailingSoftmax()
    try keepLiveNodes()
    try classifyInitializers()
    findClassifierBias()
    collectWarnings()
  }

  // MARK: - Decoding

  mutating func decodeInitializers() throws(ONNXError) {
    var total = 0
    for t in graph.initializer {
      guard !t.name.isEmpty else { throw .malformed(file: file, problem: "an initializer has no name") }
      guard initializers[t.name] == nil else { throw .malformed(file: file, problem: "two initializers are named '\(t.name)'") }
      let value = try decoder.decode(t, name: t.name)
      total += value.shape.elementCount
      guard total <= ONNXLimits.totalInitializerElements else {
        throw .tooLarge(file: file, problem: "more than \(ONNXLimits.totalInitializerElements) initializer values")
      }
      initializers[t.name] = value
    }
  }

  mutating func findInputAndOutput() throws(ONNXError) {
    let inputs = graph.input.filter { initializers[$0.name] == nil }
    guard inputs.count == 1 else {
      throw .unsupportedGraph(file: file, problem: "the graph has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); i2f feeds it one batch of images")
    }
    let input = inputs[0]
    inputName = input.name
    guard case .tensorType(let type)? = input.type.value,
          let element = ONNXTensorDecoder.ElementType(rawValue: type.elemType), element.isFloat
    else { throw .unsupportedGraph(file: file, problem: "the input '\(input.name)' is not a floating-point tensor") }
    guard type.hasShape else { throw .unsupportedGraph(file: file, problem: "the input '\(input.name)' has no declared shape") }
    inputDimensions = type.shape.dim.map { d -> Int? in
      if case .dimValue(let v)? = d.value, v > 0, v <= Int64(ONNXLimits.tensorElements) { return Int(v) }
      return nil
    }
    guard inputDimensions.count == 4 || inputDimensions.count == 2 else {
      throw .unsupportedGraph(file: file, problem: "the input '\(input.name)' has rank \(inputDimensions.count); i2f feeds images [batch, channels, height, width] (or flattened [batch, features])")
    }
    if let batch = inputDimensions[0], batch != 1 {
      throw .unsupportedGraph(file: file, problem: "the input's batch dimension is fixed at \(batch); export with a batch of 1 or a dynamic batch axis")
    }
    guard graph.output.count == 1 else {
      throw .unsupportedGraph(file: file, problem: "the graph has \(graph.output.count) outputs; i2f needs one, the class scores")
    }
    outputName = graph.output[0].name
  }

  mutating func decodeNodes() throws(ONNXError) {
    for (index, n) in graph.node.enumerated() {
      let op = n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : "\(n.domain).\(n.opType)"
      let label = ONNXNodeLabel(op: op, name: n.name, index: index)
      var attributes: [String: ONNXAttribute] = [:]
      for a in n.attribute {
        attributes[a.name] = try decodeAttribute(a, label)
      }
      for entry in n.metadataProps where entry.key.hasSuffix("rewriter.rule_name") && entry.value.contains("BatchNorm") {
        fusedNodes.append(n.name.isEmpty ? "#\(index)" : n.name)
      }
      let node = ONNXNode(index: index, name: n.name, op: op, inputs: n.input, outputs: n.output, attributes: attributes)
      if op == "Constant" {
        try addConstant(node)
      } else {
        nodes.append(node)
      }
    }
  }

  func decodeAttribute(_ a: Onnx_AttributeProto, _ label: ONNXNodeLabel) throws(ONNXError) -> ONNXAttribute {
    if !a.refAttrName.isEmpty { return .unsupported("a reference to the function attribute \(a.refAttrName)") }
    var type = a.type
    if type == .undefined {
      // Old files leave the type out: infer it from the field that is set.
      type = !a.ints.isEmpty ? .ints : !a.floats.isEmpty ? .floats : a.hasI ? .int : a.hasF ? .float
        : a.hasS ? .string : a.hasT ? .tensor : !a.strings.isEmpty ? .strings : .undefined
    }
    switch type {
    case .float: return .float(Double(a.f))
    case .int: return .int(a.i)
    case .string: return .string(String(decoding: a.s, as: UTF8.self))
    case .tensor: return .tensor(try decoder.decode(a.t, name: "\(label.op) (\(label)) attribute \(a.name)"))
    case .floats: return .floats(a.floats.map(Double.init))
    case .ints: return .ints(a.ints)
    case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
    default: return .unsupported("an attribute of type \(type)")
    }
  }

  /// A Constant node's value becomes a constant tensor.
  mutating func addConstant(_ node: ONNXNode) throws(ONNXError) {
    guard node.outputs.count == 1, node.inputs.isEmpty else {
      throw .invalidNode(file: file, node: node.label, problem: "a Constant has no inputs and one output")
    }
    guard node.attributes.count == 1, let (name, attribute) = node.attributes.first else {
      throw .invalidNode(file: file, node: node.label, problem: "a Constant needs exactly one value attribute")
    }
    let value: ONNXTensor
    switch (name, attribute) {
    case ("value", .tensor(let t)): value = t
    case ("value_float", .float(let f)): value = .float(Tensor(f))
    case ("value_floats", .floats(let f)): value = .float(Tensor(shape: [f.count], scalars: f))
    case ("value_int", .int(let i)): value = .integer(IntegerTensor(shape: [], values: [i]))
    case ("value_ints", .ints(let i)): value = .integer(IntegerTensor(shape: [i.count], values: i))
    default: throw .unsupportedAttribute(file: file, node: node.label, attribute: name, detail: "")
    }
    try define(node.outputs[0], by: node)
    constants[node.outputs[0]] = value
  }

  /// Checks that `name` is defined once only.
  func define(_ name: String, by node: ONNXNode) throws(ONNXError) {
    if initializers[name] != nil || constants[name] != nil || name == inputName {
      throw .malformed(file: file, problem: "\(node.op) (\(node.label)) writes '\(name)', which is already defined")
    }
  }

  // MARK: - Graph order

  /// Nodes in an order where each comes after the nodes it reads (the file's order when it
  /// already is one, as ONNX requires), checking for missing inputs, double definitions and cycles.
  mutating func sortNodes() throws(ONNXError) {
    var producer: [String: Int] = [:]
    for (i, node) in nodes.enumerated() {
      for o in node.outputs where !o.isEmpty {
        try define(o, by: node)
        guard producer[o] == nil else {
          throw .malformed(file: file, problem: "\(node.op) (\(node.label)) writes '\(o)', which another node writes too")
        }
        producer[o] = i
      }
    }
    var dependents = [[Int]](repeating: [], count: nodes.count)
    var pending = [Int](repeating: 0, count: nodes.count)
    for (i, node) in nodes.enumerated() {
      for input in Set(node.inputs) where !input.isEmpty {
        if let p = producer[input] {
          dependents[p].append(i)
          pending[i] += 1
        } else if initializers[input] == nil && constants[input] == nil && input != inputName {
          throw .missingInput(file: file, node: node.label, input: input)
        }
      }
    }
    // Kahn's algorithm, always taking the earliest ready node: the file's order if valid.
    var ready = Set((0..<nodes.count).filter { pending[$0] == 0 })
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    while let next = ready.min() {
      ready.remove(next)
      order.append(next)
      for d in dependents[next] {
        pending[d] -= 1
        if pending[d] == 0 { ready.insert(d) }
      }
    }
    guard order.count == nodes.count else {
      let stuck = nodes[(0..<nodes.count).first { pending[$0] > 0 } ?? 0]
      throw .malformed(file: file, problem: "the graph has a cycle through \(stuck.op) (\(stuck.label))")
    }
    nodes = order.map { nodes[$0] }
  }

  /// PyTorch's exporter stores tensors with equal values once and reads the others through
  /// Identity nodes (`bn1.running_var = Identity(bn1.weight)` for a fresh batch norm). Each such
  /// name gets its own copy, so a parameter and a buffer never share a value by accident.
  mutating func resolveInitializerAliases() {
    var kept: [ONNXNode] = []
    for node in nodes {
      if node.op == "Identity", node.inputs.count == 1, node.outputs.count == 1,
         let value = initializers[node.inputs[0]], case .float = value {
        initializers[node.outputs[0]] = value
      } else {
        kept.append(node)
      }
    }
    nodes = kept
  }

  /// A final Softmax or LogSoftmax over the classes is dropped: i2f's loss is cross-entropy on
  /// the logits.
  mutating func dropTrailingSoftmax() throws(ONNXError) {
    guard let last = nodes.lastIndex(where: { $0.outputs.contains(outputName) }) else {
      throw .unsupportedGraph(file: file, problem: "no node computes the output '\(outputName)'")
    }
    let node = nodes[last]
    guard node.op == "Softmax" || node.op == "LogSoftmax", node.inputs.count == 1,
          !nodes.contains(where: { $0.inputs.contains(outputName) })
    else { return }
    var axis = 1
    if case .int(let a)? = node.attributes["axis"] { axis = Int(a) }
    guard axis == 1 || axis == -1 else {
      throw .unsupportedGraph(file: file, problem: "the graph ends with \(node.op) over axis \(axis), not over the classes")
    }
    droppedActivation = node.op
    outputName = node.inputs[0]
    nodes.remove(at: last)
  }

  /// Only the nodes the logits depend on stay (and must be supported).
  mutating func keepLiveNodes() throws(ONNXError) {
    var needed: Set<String> = [outputName]
    var live: [ONNXNode] = []
    for node in nodes.reversed() where node.outputs.contains(where: needed.contains) {
      live.append(node)
      for i in node.inputs where !i.isEmpty { needed.insert(i) }
    }
    nodes = live.reversed()
    guard needed.contains(inputName) else {
      throw .unsupportedGraph(file: file, problem: "the output does not depend on the input '\(inputName)'")
    }
    for node in nodes where !ONNXOps.supported.contains(node.op) {
      throw .unsupportedOp(file: file, node: node.label)
    }
    constants = constants.filter { needed.contains($0.key) }
    initializers = initializers.filter { needed.contains($0.key) }
  }

  // MARK: - Parameters, buffers, constants

  /// How a node uses a float initializer.
  enum Use {
    case parameter(ParameterRole, fanIn: Int, fanOut: Int)
    /// An operand of elementwise arithmetic: additive (bias-like) or multiplicative (scale-like).
    case arithmetic(ParameterRole)
    case buffer(ParameterRole)
    case constant
  }

  func use(of input: Int, in node: ONNXNode) -> Use {
    func shape(_ i: Int) -> [Int]? { i < node.inputs.count ? initializers[node.inputs[i]]?.shape : nil }
    switch (node.op, input) {
    case ("Conv", 1), ("Conv", 2):
      let w = shape(1) ?? []
      let field = w.dropFirst(2).reduce(1, *)
      let (fanIn, fanOut) = w.count >= 2 ? (w[1] * field, w[0] * field) : (0, 0)
      return .parameter(input == 1 ? .weight : .bias, fanIn: fanIn, fanOut: fanOut)
    case ("Gemm", 0), ("Gemm", 1), ("Gemm", 2):
      var transposed = false
      if case .int(let t)? = node.attributes["transB"] { transposed = t != 0 }
      let b = shape(1) ?? []
      let (fanIn, fanOut) = b.count == 2 ? (transposed ? (b[1], b[0]) : (b[0], b[1])) : (0, 0)
      return .parameter(input == 2 ? .bias : .weight, fanIn: fanIn, fanOut: fanOut)
    case ("MatMul", 0), ("MatMul", 1):
      let w = shape(input) ?? []
      let (fanIn, fanOut) = w.count >= 2 ? (input == 1 ? (w[w.count - 2], w[w.count - 1]) : (w[w.count - 1], w[w.count - 2])) : (0, 0)
      return .parameter(.weight, fanIn: fanIn, fanOut: fanOut)
    case ("BatchNormalization", 1): return .parameter(.normWeight, fanIn: 0, fanOut: 0)
    case ("BatchNormalization", 2): return .parameter(.normBias, fanIn: 0, fanOut: 0)
    case ("BatchNormalization", 3): return .buffer(.runningMean)
    case ("BatchNormalization", 4): return .buffer(.runningVariance)
    case ("Add", _), ("Sub", _), ("Concat", _): return .arithmetic(.bias)
    case ("Mul", _), ("Div", _): return .arithmetic(.normWeight)
    default: return .constant
    }
  }

  /// Float initializers read as weights, biases, batch-norm scales and shifts, or operands of
  /// arithmetic are parameters (except scalars with exporter-made names, which are constants such
  /// as a division by 2); those read as running statistics are buffers; everything else (and
  /// every integer initializer) is a constant. θ is ordered by first use.
  mutating func classifyInitializers() throws(ONNXError) {
    var order: [String] = []
    var uses: [String: [Use]] = [:]
    for node in nodes {
      for (i, name) in node.inputs.enumerated() where !name.isEmpty {
        guard let value = initializers[name], case .float = value else { continue }
        if uses[name] == nil { order.append(name) }
        uses[name, default: []].append(use(of: i, in: node))
      }
    }
    for name in order {
      guard let all = uses[name], let value = initializers[name], case .float(let tensor) = value else { continue }
      let isBuffer = all.contains { if case .buffer = $0 { true } else { false } }
      let firstParameter = all.first { switch $0 { case .parameter, .arithmetic: true; default: false } }
      if isBuffer, firstParameter != nil {
        throw .unsupportedGraph(file: file, problem: "the initializer '\(name)' is read both as a parameter and as batch-norm running statistics")
      }
      if isBuffer, case .buffer(let role)? = all.first(where: { if case .buffer = $0 { true } else { false } }) {
        buffers.append(ParameterSpec(name, tensor.shape, role))
        initialValues[name] = tensor
        continue
      }
      switch firstParameter {
      case .parameter(let role, let fanIn, let fanOut)?:
        parameters.append(ParameterSpec(name, tensor.shape, role, fanIn: fanIn, fanOut: fanOut))
        initialValues[name] = tensor
      case .arithmetic(let role)?:
        let onlyArithmetic = !all.contains { if case .parameter = $0 { true } else { false } }
        if onlyArithmetic && tensor.count <= 1 && ONNXModel.isGeneratedName(name) {
          constants[name] = value
        } else {
          parameters.append(ParameterSpec(name, tensor.shape, role))
          initialValues[name] = tensor
        }
      default:
        constants[name] = value
      }
    }
    for (name, value) in initializers where initialValues[name] == nil && constants[name] == nil {
      constants[name] = value
    }
  }

  /// The bias of the layer that computes the logits: a Gemm's C, the parameter added to a
  /// MatMul, or a Conv's bias, looking through reshapes and spatial pooling. Moved to the end of θ.
  mutating func findClassifierBias() {
    let producers = Dictionary(nodes.flatMap { n in n.outputs.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
    let parameterNames = Set(parameters.map(\.name))
    var current = outputName
    var bias: String?
    walk: while let node = producers[current] {
      switch node.op {
      case "Identity", "Dropout", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "GlobalAveragePool", "AveragePool", "ReduceMean":
        current = node.inputs[0]
      case "Gemm", "Conv":
        if node.inputs.count > 2, parameterNames.contains(node.inputs[2]) { bias = node.inputs[2] }
        break walk
      case "Add":
        let fromProduct = node.inputs.contains { producers[$0]?.op == "MatMul" }
        bias = fromProduct ? node.inputs.first(where: parameterNames.contains) : nil
        break walk
      default:
        break walk
      }
    }
    guard let bias, let i = parameters.firstIndex(where: { $0.name == bias }) else { return }
    classifierBias = bias
    parameters.append(parameters.remove(at: i))
  }

  mutating func collectWarnings() {
    var notes: [String] = []
    let generated = parameters.map(\.name).filter(ONNXModel.isGeneratedName)
    if !generated.isEmpty {
      let shown = generated.prefix(3).joined(separator: ", ") + (generated.count > 3 ? ", …" : "")
      notes.append("\(generated.count) parameters have exporter-made names (\(shown)): constant folding merged layers "
        + "(batch norm into convolutions), so θ differs from the PyTorch model's; export with do_constant_folding=False to keep them")
    }
    if !fusedNodes.isEmpty {
      notes.append("the exporter fused batch norm into \(fusedNodes.count) convolution(s), so θ differs from the PyTorch model's; "
        + "export with optimize=False to keep it")
    }
    if !notes.isEmpty { warnings.append("\(file): warning: " + notes.joined(separator: "; ")) }
  }
}
