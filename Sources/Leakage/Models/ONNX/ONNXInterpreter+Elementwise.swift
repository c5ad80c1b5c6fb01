import Autodiff

/// Elementwise arithmetic and activations, comparisons and selection, reductions and softmax.
extension ONNXInterpreter {
  /// `Add`, `Sub`, `Mul`, `Div` with broadcasting: differentiable on floats, exact on integers
  /// (shape arithmetic; division truncates, as ONNX's does).
  func arithmetic(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow([])
    guard inputs.count == 2, let l = inputs[0], let r = inputs[1] else { throw c.fail("needs two inputs") }
    switch (l, r) {
    case (.float(let a), .float(let b)):
      guard let shape = broadcastShapes(a.shape, b.shape) else { throw c.fail("shapes \(a.shape) and \(b.shape) do not broadcast") }
      try checkSize(shape, c)
      switch c.node.op {
      case "Add": return .float(a + b)
      case "Sub": return .float(a - b)
      case "Mul": return .float(a * b)
      default: return .float(a / b)
      }
    case (.integer(let a), .integer(let b)):
      let f: (Int64, Int64) -> Int64? = switch c.node.op {
      case "Add": { let (v, o) = $0.addingReportingOverflow($1); return o ? nil : v }
      case "Sub": { let (v, o) = $0.subtractingReportingOverflow($1); return o ? nil : v }
      case "Mul": { let (v, o) = $0.multipliedReportingOverflow(by: $1); return o ? nil : v }
      default: { $1 == 0 ? nil : $0.dividedReportingOverflow(by: $1).overflow ? nil : $0 / $1 }
      }
      guard let shape = broadcastShapes(a.shape, b.shape) else { throw c.fail("shapes \(a.shape) and \(b.shape) do not broadcast") }
      try checkIntegerSize(shape, c)
      guard let result = IntegerTensor.combined(a, b, f) else { throw c.fail("integer overflow or division by zero") }
      return .integer(result)
    default:
      throw c.fail("mixes a float and an integer tensor (the exporter normally casts one)")
    }
  }

  /// Integer results stay small: they are shapes and indices.
  func checkIntegerSize(_ shape: [Int], _ c: NodeContext) throws(ONNXError) {
    try checkSize(shape, c)
    guard shape.elementCount <= ONNXLimits.integerElements else {
      throw .tooLarge(file: file, problem: "\(c.node.op) (\(c.node.label)) would make an integer tensor of shape \(shape)")
    }
  }

  func negate(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow([])
    switch inputs.first ?? nil {
    case .float(let x)?: return .float(-x)
    case .integer(let t)?:
      guard !t.values.contains(.min) else { throw c.fail("integer overflow") }
      return .integer(IntegerTensor(shape: t.shape, values: t.values.map { -$0 }))
    case nil: throw c.fail("input 0 is missing")
    }
  }

  /// Activations and elementwise functions of one float tensor.
  func activation(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(c.node.op == "LeakyRelu" || c.node.op == "Elu" ? ["alpha"] : [])
    let x = try float(inputs, 0, c)
    switch c.node.op {
    case "Relu": return x.relu()
    case "LeakyRelu": return x.leakyRelu(slope: S(try c.float("alpha") ?? 0.01))
    case "Sigmoid": return x.sigmoid()
    case "Tanh": return x.tanh()
    case "Softplus": return x.softplus()
    case "Elu": return x.elu(alpha: S(try c.float("alpha") ?? 1))
    case "Exp": return x.exp()
    case "Log": return x.log()
    case "Sqrt": return x.sqrt()
    case "Abs": return x.abs()
    default: return x.pow(-1)
    }
  }

  /// `Pow` with a constant exponent.
  func power(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow([])
    let x = try float(inputs, 0, c)
    guard let p = try constantScalar(inputs, 1, c) else { throw c.fail("input 1 (the exponent) is missing") }
    return p == 2 ? x.square() : x.pow(S(p))
  }

  /// `Clip` to constant bounds (inputs from opset 11, attributes before): the input where inside,
  /// the bound (a constant) outside; gradient 1 inside, as PyTorch's clamp.
  func clip(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["min", "max"])
    let x = try float(inputs, 0, c)
    let (lowInput, lowAttribute) = (try constantScalar(inputs, 1, c), try c.float("min"))
    let (highInput, highAttribute) = (try constantScalar(inputs, 2, c), try c.float("max"))
    let low = lowInput ?? lowAttribute ?? -.infinity, high = highInput ?? highAttribute ?? .infinity
    let inside = x.value.scalars.map { Double($0) >= low && Double($0) <= high ? S(1) : 0 }
    let outside = x.value.scalars.map { v -> S in Double(v) < low ? S(low) : Double(v) > high ? S(high) : 0 }
    return x * Variable(Tensor(shape: x.shape, scalars: inside)) + Variable(Tensor(shape: x.shape, scalars: outside))
  }

  /// `Softmax` or `LogSoftmax` inside the graph (a trailing one is dropped at load), over the last
  /// axis (opsets before 13 flatten from `axis` on, the same thing when it is the last).
  func softmax(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["axis"])
    let x = try float(inputs, 0, c)
    let axis = try c.axis(try c.int("axis") ?? (opset >= 13 ? -1 : 1), rank: x.rank)
    guard opset >= 13 || axis == x.rank - 1 else { throw c.unsupported("axis", "only the last axis before opset 13") }
    return c.node.op == "Softmax" ? x.softmax(axis: axis) : x.logSoftmax(axis: axis)
  }

  /// `ReduceMean` and `ReduceSum` over axes from the attribute (older opsets) or input 1.
  func reduce(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["axes", "keepdims", "noop_with_empty_axes"])
    let x = try float(inputs, 0, c)
    let keep = try c.int("keepdims") ?? 1 != 0
    let (axesInput, axesAttribute) = (try intList(inputs, 1, c), try c.ints("axes"))
    var axes = axesInput ?? axesAttribute ?? []
    if axes.isEmpty {
      if try c.int("noop_with_empty_axes") ?? 0 != 0 { return x }
      axes = Array(0..<x.rank)
    }
    var resolved: [Int] = []
    for a in axes { resolved.append(try c.axis(a, rank: x.rank)) }
    guard Set(resolved).count == resolved.count else { throw c.fail("axes \(axes) repeat an axis") }
    return c.node.op == "ReduceMean" ? x.mean(axes: resolved, keepDims: keep) : x.sum(axes: resolved, keepDims: keep)
  }

  /// Comparisons: a boolean tensor (a constant: comparisons have no gradient).
  func compare(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> IntegerTensor {
    try c.allow([])
    guard inputs.count == 2, let l = inputs[0], let r = inputs[1] else { throw c.fail("needs two inputs") }
    let test: (Double, Double) -> Bool = switch c.node.op {
    case "Equal": (==)
    case "Greater": (>)
    case "Less": (<)
    case "GreaterOrEqual": (>=)
    default: (<=)
    }
    let (a, b): (Tensor<Double>, Tensor<Double>)
    switch (l, r) {
    case (.float(let x), .float(let y)): (a, b) = (Tensor<Double>(x.value), Tensor<Double>(y.value))
    case (.integer(let x), .integer(let y)):
      (a, b) = (Tensor(shape: x.shape, scalars: x.values.map(Double.init)), Tensor(shape: y.shape, scalars: y.values.map(Double.init)))
    default: throw c.fail("compares a float and an integer tensor")
    }
    guard let shape = broadcastShapes(a.shape, b.shape) else { throw c.fail("shapes \(a.shape) and \(b.shape) do not broadcast") }
    try checkSize(shape, c)
    let (x, y) = (a.broadcast(to: shape), b.broadcast(to: shape))
    return IntegerTensor(shape: shape, values: zip(x.scalars, y.scalars).map { test($0, $1) ? 1 : 0 }, isBoolean: true)
  }

  func not(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> IntegerTensor {
    try c.allow([])
    let t = try integer(inputs, 0, c)
    return IntegerTensor(shape: t.shape, values: t.values.map { $0 == 0 ? 1 : 0 }, isBoolean: true)
  }

  /// `Where`: integers picked exactly; floats blended by the (constant) condition, so gradients
  /// flow to the chosen side only.
  func select(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow([])
    let condition = try integer(inputs, 0, c)
    guard inputs.count == 3, let l = inputs[1], let r = inputs[2] else { throw c.fail("needs three inputs") }
    guard let pair = broadcastShapes(l.shape, r.shape), let shape = broadcastShapes(condition.shape, pair) else {
      throw c.fail("shapes \(condition.shape), \(l.shape) and \(r.shape) do not broadcast")
    }
    try checkSize(shape, c)
    switch (l, r) {
    case (.float(let a), .float(let b)):
      let mask = Tensor<S>(shape: condition.shape, scalars: condition.values.map { $0 != 0 ? 1 : 0 }).broadcast(to: shape)
      let complement = mask.map(.negate).map(.shift(1))
      return .float(a * Variable(mask) + b * Variable(complement))
    case (.integer(let a), .integer(let b)):
      try checkIntegerSize(shape, c)
      let (mask, x, y) = (condition.broadcast(to: shape), a.broadcast(to: shape), b.broadcast(to: shape))
      return .integer(IntegerTensor(shape: shape, values: (0..<mask.count).map { mask.values[$0] != 0 ? x.values[$0] : y.values[$0] }))
    default:
      throw c.fail("selects between a float and an integer tensor")
    }
  }
}
