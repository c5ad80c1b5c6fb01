import Autodiff

/// Movement ops on float and integer tensors, and the shape arithmetic exporters write
/// (`Shape`, `Gather`, `Unsqueeze`, `Concat`, `Cast`, …), evaluated on the actual batch.
extension ONNXInterpreter {
  func passThrough(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow([])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    return x
  }

  /// `Dropout` in inference: the identity (its mask output is not computed).
  func dropout(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["ratio", "seed", "is_test"])
    if inputs.count > 2, inputs[2] != nil {
      guard case .integer(let t)? = inputs[2], t.values.allSatisfy({ $0 == 0 }) else {
        throw c.unsupported("training_mode", "only inference")
      }
    }
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    return x
  }

  /// `Flatten`: dimensions before `axis` into one, the rest into another.
  func flatten(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["axis"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    let rank = x.shape.count, raw = try c.int("axis") ?? 1
    let axis = raw < 0 ? raw + rank : raw
    guard axis >= 0 && axis <= rank else { throw c.fail("axis \(raw) is out of range for rank \(rank)") }
    return reshaped(x, [x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])
  }

  func reshaped(_ x: ONNXValue<S>, _ shape: [Int]) -> ONNXValue<S> {
    switch x {
    case .float(let v): .float(v.reshaped(shape))
    case .integer(let t): .integer(t.reshaped(shape))
    }
  }

  /// `Reshape`: 0 keeps the input's extent (unless `allowzero`), −1 takes what is left.
  func reshape(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["allowzero"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    guard let requested = try intList(inputs, 1, c) else { throw c.fail("input 1 (the shape) is missing") }
    let allowZero = try c.int("allowzero") ?? 0 != 0
    var shape: [Int] = [], inferred: Int?
    for (i, d) in requested.enumerated() {
      switch d {
      case -1:
        guard inferred == nil else { throw c.fail("shape \(requested) has more than one -1") }
        inferred = i
        shape.append(1)
      case 0 where !allowZero:
        guard i < x.shape.count else { throw c.fail("shape \(requested) copies dimension \(i) of \(x.shape), which has none") }
        shape.append(x.shape[i])
      case let d where d >= 0: shape.append(d)
      default: throw c.fail("shape \(requested) has a negative extent")
      }
    }
    try checkSize(shape, c)
    let count = x.shape.elementCount, known = shape.elementCount
    if let i = inferred {
      guard known > 0, count % known == 0 else { throw c.fail("cannot reshape \(x.shape) to \(requested)") }
      shape[i] = count / known
    }
    guard shape.elementCount == count else { throw c.fail("cannot reshape \(x.shape) (\(count) elements) to \(requested)") }
    return reshaped(x, shape)
  }

  /// `Transpose` by `perm` (default: all axes reversed).
  func transpose(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["perm"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    let rank = x.shape.count
    let perm = try c.ints("perm") ?? Array((0..<rank).reversed())
    guard perm.sorted() == Array(0..<rank) else { throw c.fail("perm \(perm) is not a permutation of \(rank) axes") }
    switch x {
    case .float(let v): return .float(v.permuted(perm))
    case .integer(let t): return .integer(t.permuted(perm))
    }
  }

  /// `Concat` along `axis`: all float, or all integer.
  func concat(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["axis"])
    let parts = inputs.compactMap { $0 }
    guard let first = parts.first, parts.count == inputs.count else { throw c.fail("an input is missing") }
    guard let raw = try c.int("axis") else { throw c.fail("attribute axis is missing") }
    let rank = first.shape.count, axis = try c.axis(raw, rank: rank)
    for p in parts where p.shape.count != rank || p.shape.enumerated().contains(where: { $0.offset != axis && $0.element != first.shape[$0.offset] }) {
      throw c.fail("cannot concatenate \(p.shape) with \(first.shape) along axis \(raw)")
    }
    var shape = first.shape
    shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
    try checkSize(shape, c)
    var floats: [Variable<S>] = [], integers: [IntegerTensor] = []
    for p in parts {
      switch p {
      case .float(let v): floats.append(v)
      case .integer(let t): integers.append(t)
      }
    }
    if integers.isEmpty { return .float(Variable.concatenated(floats, axis: axis)) }
    guard floats.isEmpty else { throw c.fail("concatenates float and integer tensors") }
    try checkIntegerSize(shape, c)
    return .integer(IntegerTensor.concatenated(integers, axis: axis))
  }

  /// `Pad` in constant mode: pads from input 1 (attribute before opset 11), optionally on `axes`
  /// (input 3); negative pads crop. A non-zero value fills the new cells (a constant).
  mutating func pad(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["mode", "pads", "value"])
    let mode = try c.string("mode") ?? "constant"
    guard mode == "constant" else { throw c.unsupported("mode", mode) }
    var x = try float(inputs, 0, c)
    let (padsInput, padsAttribute) = (try intList(inputs, 1, c), try c.ints("pads"))
    guard let pads = padsInput ?? padsAttribute else { throw c.fail("the pads are missing") }
    let (valueInput, valueAttribute) = (try constantScalar(inputs, 2, c), try c.float("value"))
    let value = valueInput ?? valueAttribute ?? 0
    var axes = Array(0..<x.rank)
    if let given = try intList(inputs, 3, c) {
      axes = []
      for a in given { axes.append(try c.axis(a, rank: x.rank)) }
    }
    guard pads.count == 2 * axes.count else { throw c.fail("\(pads.count) pads for \(axes.count) axes") }
    var shape = x.shape
    for (i, a) in axes.enumerated() {
      shape[a] += pads[i] + pads[i + axes.count]
      guard shape[a] >= 0 else { throw c.fail("pads \(pads) crop more than the input \(x.shape) has") }
    }
    try checkSize(shape, c)
    var mask: Tensor<S>? = value == 0 ? nil : Tensor(repeating: 0, shape: x.shape)
    for (i, a) in axes.enumerated() {
      let (before, after) = (pads[i], pads[i + axes.count])
      let extent = x.shape[a]
      let keep = Swift.max(0, -before)..<(extent - Swift.max(0, -after))
      if keep.count != extent {
        x = x.sliced(axis: a, keep)
        mask = mask?.sliced(axis: a, keep)
      }
      if before > 0 || after > 0 {
        x = x.padded(axis: a, before: Swift.max(0, before), after: Swift.max(0, after))
        // The mask marks padding cells with 1.
        mask = mask?.map(.negate).map(.shift(1)).padded(axis: a, before: Swift.max(0, before), after: Swift.max(0, after))
          .map(.negate).map(.shift(1))
      }
    }
    guard let mask else { return x }
    return x + Variable(mask * S(value))
  }

  /// Start, end and step of `Slice` along one axis, clamped as ONNX specifies.
  func sliceBounds(start: Int, end: Int, step: Int, extent n: Int) -> (Int, Int) {
    func wrap(_ v: Int) -> Int { v < 0 ? v + n : v }
    if step > 0 {
      return (Swift.min(Swift.max(wrap(start), 0), n), Swift.min(Swift.max(wrap(end), 0), n))
    }
    return (Swift.min(Swift.max(wrap(start), 0), n - 1), Swift.min(Swift.max(wrap(end), -1), n - 1))
  }

  /// `Slice` (starts, ends, axes, steps from inputs; attributes before opset 10).
  func slice(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["starts", "ends", "axes"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    let rank = x.shape.count
    let (startsInput, startsAttribute) = (try intList(inputs, 1, c), try c.ints("starts"))
    let (endsInput, endsAttribute) = (try intList(inputs, 2, c), try c.ints("ends"))
    guard let starts = startsInput ?? startsAttribute, let ends = endsInput ?? endsAttribute else {
      throw c.fail("starts and ends are missing")
    }
    let (axesInput, axesAttribute) = (try intList(inputs, 3, c), try c.ints("axes"))
    let axes = axesInput ?? axesAttribute ?? Array(0..<starts.count)
    let steps = try intList(inputs, 4, c) ?? [Int](repeating: 1, count: starts.count)
    guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
      throw c.fail("starts, ends, axes and steps differ in length")
    }
    var result = x
    var seen = Set<Int>()
    for i in starts.indices {
      let axis = try c.axis(axes[i], rank: rank)
      guard seen.insert(axis).inserted else { throw c.fail("axis \(axes[i]) is sliced twice") }
      guard steps[i] != 0 else { throw c.fail("a step is 0") }
      let n = result.shape[axis]
      let (from, to) = sliceBounds(start: starts[i], end: ends[i], step: steps[i], extent: n)
      switch result {
      case .float(let v):
        if steps[i] == 1 {
          guard to > from else { throw c.fail("slicing \(x.shape) leaves an empty tensor") }
          result = .float(v.sliced(axis: axis, from..<to))
        } else {
          let picks = Array(stride(from: from, to: to, by: steps[i]))
          guard !picks.isEmpty else { throw c.fail("slicing \(x.shape) leaves an empty tensor") }
          guard picks.count <= ONNXLimits.slices else { throw c.unsupported("steps", "at most \(ONNXLimits.slices) strided elements of a float tensor") }
          result = .float(Variable.concatenated(picks.map { v.sliced(axis: axis, $0..<($0 + 1)) }, axis: axis))
        }
      case .integer(let t):
        result = .integer(t.sliced(axis: axis, start: from, end: to, step: steps[i]))
      }
    }
    return result
  }

  /// `Gather` along `axis`: any indices on integer tensors; scalar or vector indices on floats
  /// (slices, differentiable).
  func gather(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["axis"])
    guard let data = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    var indices = try integer(inputs, 1, c)
    let rank = data.shape.count
    let axis = try c.axis(try c.int("axis") ?? 0, rank: rank)
    let n = Int64(data.shape[axis])
    guard indices.values.allSatisfy({ $0 >= -n && $0 < n }) else { throw c.fail("an index is out of range for extent \(n)") }
    indices.values = indices.values.map { $0 < 0 ? $0 + n : $0 }
    let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
    try checkSize(shape, c)
    switch data {
    case .integer(let t):
      try checkIntegerSize(shape, c)
      return .integer(t.gathered(axis: axis, indices: indices))
    case .float(let v):
      guard indices.rank <= 1, indices.count > 0, indices.count <= ONNXLimits.slices else {
        throw c.unsupported("indices", "float data takes a scalar or a vector of at most \(ONNXLimits.slices) indices")
      }
      let slices = indices.ints.map { v.sliced(axis: axis, $0..<($0 + 1)) }
      return .float((slices.count == 1 ? slices[0] : Variable.concatenated(slices, axis: axis)).reshaped(shape))
    }
  }

  /// `Squeeze` (listed axes, or every extent-1 axis) and `Unsqueeze` (axes of the result), axes
  /// from input 1 (attribute before opset 13).
  func squeezeOrUnsqueeze(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["axes"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    let (axesInput, axesAttribute) = (try intList(inputs, 1, c), try c.ints("axes"))
    let given = axesInput ?? axesAttribute
    if c.node.op == "Squeeze" {
      let rank = x.shape.count
      var axes: Set<Int> = []
      if let given {
        for a in given { axes.insert(try c.axis(a, rank: rank)) }
      } else {
        axes = Set(x.shape.indices.filter { x.shape[$0] == 1 })
      }
      guard axes.allSatisfy({ x.shape[$0] == 1 }) else { throw c.fail("squeezes an axis of \(x.shape) whose extent is not 1") }
      return reshaped(x, x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] })
    }
    guard let given else { throw c.fail("the axes are missing") }
    let rank = x.shape.count + given.count
    var axes: Set<Int> = []
    for a in given { axes.insert(try c.axis(a, rank: rank)) }
    guard axes.count == given.count else { throw c.fail("axes \(given) repeat an axis") }
    var rest = x.shape.makeIterator()
    return reshaped(x, (0..<rank).map { axes.contains($0) ? 1 : rest.next() ?? 1 })
  }

  /// `Shape` (optionally `start`..<`end`) of the actual tensor.
  func shapeOf(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> IntegerTensor {
    try c.allow(["start", "end"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    let rank = x.shape.count
    func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + rank : v, 0), rank) }
    let start = clamp(try c.int("start") ?? 0), end = clamp(try c.int("end") ?? rank)
    return IntegerTensor(vector: Array(x.shape[start..<Swift.max(start, end)]))
  }

  func sizeOf(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> IntegerTensor {
    try c.allow([])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    return IntegerTensor(shape: [], values: [Int64(x.shape.elementCount)])
  }

  /// `Cast`: float ↔ float keeps the tensor (it runs in i2f's precision); integer → float makes a
  /// constant; float → integer or bool only for constants (nothing differentiable becomes an index).
  func cast(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["to", "saturate", "round_mode"])
    guard let x = inputs.first ?? nil else { throw c.fail("input 0 is missing") }
    guard let raw = try c.int("to"), let to = ONNXTensorDecoder.ElementType(rawValue: Int32(clamping: raw)), to.byteCount != nil else {
      throw c.unsupported("to", "only float and integer types")
    }
    switch x {
    case .float(let v) where to.isFloat: return .float(v)
    case .float(let v):
      guard !v.requiresGrad else { throw c.fail("casts a tensor that depends on the input or the parameters to integers") }
      let values = v.value.scalars.map(Double.init)
      guard values.allSatisfy({ $0.isFinite && Swift.abs($0) < 0x1p62 }) else { throw c.fail("a value does not fit an integer") }
      return .integer(IntegerTensor(shape: v.shape, values: values.map { to == .bool ? ($0 != 0 ? 1 : 0) : Int64($0) }, isBoolean: to == .bool))
    case .integer(let t) where to.isFloat: return .float(Variable(Tensor(shape: t.shape, scalars: t.values.map { S(Double($0)) })))
    case .integer(let t):
      return .integer(IntegerTensor(shape: t.shape, values: to == .bool ? t.values.map { $0 != 0 ? 1 : 0 } : t.values, isBoolean: to == .bool))
    }
  }

  /// `ConstantOfShape`: a tensor of the shape in input 0 filled with the `value` attribute
  /// (a float 0 by default).
  func constantOfShape(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> ONNXValue<S> {
    try c.allow(["value"])
    let shape = try intList(inputs, 0, c) ?? []
    guard shape.allSatisfy({ $0 >= 0 }) else { throw c.fail("shape \(shape) has a negative extent") }
    try checkSize(shape, c)
    switch c.node.attributes["value"] {
    case nil: return .float(Variable(Tensor(zeros: shape)))
    case .tensor(.float(let t))? where t.count == 1: return .float(Variable(Tensor(repeating: S(t.scalars[0]), shape: shape)))
    case .tensor(.integer(let t))? where t.count == 1:
      try checkIntegerSize(shape, c)
      return .integer(IntegerTensor(shape: shape, values: [Int64](repeating: t.values[0], count: shape.elementCount), isBoolean: t.isBoolean))
    default: throw c.fail("attribute value must be a one-element tensor")
    }
  }

  /// `Range` of integers.
  func range(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> IntegerTensor {
    try c.allow([])
    let (start, limit, delta) = (try integer(inputs, 0, c), try integer(inputs, 1, c), try integer(inputs, 2, c))
    guard start.count == 1, limit.count == 1, delta.count == 1, delta.values[0] != 0 else {
      throw c.fail("Range needs scalar start, limit and a non-zero delta")
    }
    let (s, l, d) = (Double(start.values[0]), Double(limit.values[0]), Double(delta.values[0]))
    let count = Swift.max(0, Int(((l - s) / d).rounded(.up)))
    try checkIntegerSize([count], c)
    return IntegerTensor(shape: [count], values: (0..<count).map { start.values[0] + Int64($0) * delta.values[0] })
  }
}
