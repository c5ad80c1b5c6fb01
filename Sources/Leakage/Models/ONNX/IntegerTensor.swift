import Autodiff

/// An integer (or boolean) tensor of an ONNX graph: shapes, indices, axes and the arithmetic that
/// exporters write on them (`x.view(x.size(0), -1)` becomes Shape → Gather → Unsqueeze → Concat).
/// Evaluated while the graph runs, never differentiated.
struct IntegerTensor: Sendable, Equatable {
  var shape: [Int]
  var values: [Int64]
  /// Holds 0/1 truth values (ONNX `BOOL`), e.g. a comparison's result.
  var isBoolean = false

  init(shape: [Int], values: [Int64], isBoolean: Bool = false) {
    precondition(shape.elementCount == values.count, "integer tensor \(shape) with \(values.count) values")
    self.shape = shape
    self.values = values
    self.isBoolean = isBoolean
  }

  /// A rank-1 tensor of `values`.
  init(vector values: [Int]) {
    self.init(shape: [values.count], values: values.map(Int64.init))
  }

  var rank: Int { shape.count }
  var count: Int { values.count }

  /// The values as `Int`s.
  var ints: [Int] { values.map { Int($0) } }

  /// The same values under `newShape` (same element count).
  func reshaped(_ newShape: [Int]) -> IntegerTensor {
    IntegerTensor(shape: newShape, values: values, isBoolean: isBoolean)
  }

  /// Dimensions reordered (result dimension `i` is dimension `permutation[i]`).
  func permuted(_ permutation: [Int]) -> IntegerTensor {
    let outShape = permutation.map { shape[$0] }
    let inStrides = shape.rowMajorStrides, outStrides = outShape.rowMajorStrides
    var out = [Int64](repeating: 0, count: values.count)
    for o in 0..<values.count {
      var rest = o, source = 0
      for d in 0..<outShape.count {
        let (q, r) = rest.quotientAndRemainder(dividingBy: outStrides[d])
        source += q * inStrides[permutation[d]]
        rest = r
      }
      out[o] = values[source]
    }
    return IntegerTensor(shape: outShape, values: out, isBoolean: isBoolean)
  }

  /// Entries `indices` (rank 0 or more, already non-negative) along `axis`; the result's shape is
  /// `shape[..<axis] + indices.shape + shape[(axis+1)...]`, as ONNX `Gather`.
  func gathered(axis: Int, indices: IntegerTensor) -> IntegerTensor {
    let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), extent = shape[axis]
    var out: [Int64] = []
    out.reserveCapacity(outer * indices.count * inner)
    for o in 0..<outer {
      for i in indices.values {
        let start = (o * extent + Int(i)) * inner
        out.append(contentsOf: values[start..<(start + inner)])
      }
    }
    return IntegerTensor(shape: Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...]), values: out,
                         isBoolean: isBoolean)
  }

  /// Every `step`-th entry of `start..<end` (or down to `end` for negative steps) along `axis`;
  /// bounds already clamped as ONNX `Slice` does.
  func sliced(axis: Int, start: Int, end: Int, step: Int) -> IntegerTensor {
    let picks = Array(stride(from: start, to: end, by: step))
    return gathered(axis: axis, indices: IntegerTensor(vector: picks)).reshaped(
      Array(shape[..<axis]) + [picks.count] + Array(shape[(axis + 1)...]))
  }

  /// Tensors of the same shape except along `axis`, joined along it.
  static func concatenated(_ parts: [IntegerTensor], axis: Int) -> IntegerTensor {
    var outShape = parts[0].shape
    outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
    let outer = outShape[..<axis].reduce(1, *)
    var out: [Int64] = []
    out.reserveCapacity(outShape.elementCount)
    for o in 0..<outer {
      for p in parts {
        let run = p.shape[axis...].reduce(1, *)
        out.append(contentsOf: p.values[(o * run)..<((o + 1) * run)])
      }
    }
    return IntegerTensor(shape: outShape, values: out, isBoolean: parts.allSatisfy(\.isBoolean))
  }

  /// This tensor broadcast to `target` (which must be a broadcast of its shape).
  func broadcast(to target: [Int]) -> IntegerTensor {
    if target == shape { return self }
    let zeros = IntegerTensor(shape: target, values: [Int64](repeating: 0, count: target.elementCount))
    var result = IntegerTensor.combined(self, zeros) { a, _ in a } ?? zeros
    result.isBoolean = isBoolean
    return result
  }

  /// `f(a, b)` elementwise with NumPy broadcasting; nil when the shapes do not broadcast or `f`
  /// fails (overflow, division by zero).
  static func combined(_ a: IntegerTensor, _ b: IntegerTensor, _ f: (Int64, Int64) -> Int64?) -> IntegerTensor? {
    guard let outShape = broadcastShapes(a.shape, b.shape) else { return nil }
    let rank = outShape.count
    func strides(_ s: [Int]) -> [Int] {
      let padded = [Int](repeating: 1, count: rank - s.count) + s
      let st = padded.rowMajorStrides
      return (0..<rank).map { padded[$0] == 1 ? 0 : st[$0] }
    }
    let sa = strides(a.shape), sb = strides(b.shape), so = outShape.rowMajorStrides
    var out = [Int64](repeating: 0, count: outShape.elementCount)
    for o in 0..<out.count {
      var rest = o, ia = 0, ib = 0
      for d in 0..<rank {
        let (q, r) = rest.quotientAndRemainder(dividingBy: so[d])
        ia += q * sa[d]
        ib += q * sb[d]
        rest = r
      }
      guard let v = f(a.values[ia], b.values[ib]) else { return nil }
      out[o] = v
    }
    return IntegerTensor(shape: outShape, values: out)
  }
}
