import Autodiff

/// Convolutions, linear layers, batch normalisation and pooling.
extension ONNXInterpreter {
  /// Padding `[begin, end]` per spatial axis from `pads` or `auto_pad` (SAME_UPPER puts the odd
  /// cell at the end, SAME_LOWER at the start), checked.
  func spatialPadding(
    _ c: NodeContext, input: [Int], span: [Int], strides: [Int]
  ) throws(ONNXError) -> (begin: [Int], end: [Int]) {
    let rank = input.count
    switch try c.string("auto_pad") ?? "NOTSET" {
    case "NOTSET":
      let pads = try c.ints("pads") ?? [Int](repeating: 0, count: 2 * rank)
      guard pads.count == 2 * rank, pads.allSatisfy({ $0 >= 0 }) else {
        throw c.fail("pads \(pads) must be \(2 * rank) non-negative values")
      }
      return (Array(pads.prefix(rank)), Array(pads.suffix(rank)))
    case "VALID":
      return ([Int](repeating: 0, count: rank), [Int](repeating: 0, count: rank))
    case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
      var begin: [Int] = [], end: [Int] = []
      for a in 0..<rank {
        let out = (input[a] + strides[a] - 1) / strides[a]
        let total = Swift.max(0, (out - 1) * strides[a] + span[a] - input[a])
        let small = total / 2
        begin.append(mode == "SAME_UPPER" ? small : total - small)
        end.append(mode == "SAME_UPPER" ? total - small : small)
      }
      return (begin, end)
    case let mode:
      throw c.unsupported("auto_pad", mode)
    }
  }

  /// Per-axis values of a window attribute (`strides`, `dilations`), all positive.
  func windowValues(_ c: NodeContext, _ name: String, rank: Int) throws(ONNXError) -> [Int] {
    let v = try c.ints(name) ?? [Int](repeating: 1, count: rank)
    guard v.count == rank, v.allSatisfy({ $0 > 0 && $0 <= ONNXLimits.tensorElements }) else {
      throw c.fail("\(name) \(v) must be \(rank) positive values")
    }
    return v
  }

  /// `Conv`: 2-D convolution with groups, dilations, strides and (asymmetric or automatic)
  /// padding. Asymmetric padding pads the input explicitly; groups run as one convolution per
  /// group on channel slices.
  mutating func conv(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
    var x = try float(inputs, 0, c)
    let w = try float(inputs, 1, c), b = try optionalFloat(inputs, 2, c)
    guard x.rank == 4, w.rank == 4 else {
      throw c.fail("only 2-D convolutions are supported (input \(x.shape), weight \(w.shape))")
    }
    let (n, channels, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, perGroup, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let groups = try c.int("group") ?? 1
    guard groups >= 1, groups <= ONNXLimits.slices, channels % groups == 0, o % groups == 0, perGroup == channels / groups else {
      throw c.fail("weight \(w.shape) does not fit input \(x.shape) in \(groups) group(s)")
    }
    if let kernel = try c.ints("kernel_shape"), kernel != [kh, kw] {
      throw c.fail("kernel_shape \(kernel) differs from the weight's \(w.shape)")
    }
    if let b, b.shape != [o] { throw c.fail("bias \(b.shape) does not match \(o) output channels") }
    let strides = try windowValues(c, "strides", rank: 2), dilations = try windowValues(c, "dilations", rank: 2)
    let span = [dilations[0] * (kh - 1) + 1, dilations[1] * (kw - 1) + 1]
    let (begin, end) = try spatialPadding(c, input: [h, wd], span: span, strides: strides)
    guard h + begin[0] + end[0] >= span[0], wd + begin[1] + end[1] >= span[1] else {
      throw c.fail("the \(span[0])×\(span[1]) window does not fit the padded \(h)×\(wd) input")
    }
    let outH = (h + begin[0] + end[0] - span[0]) / strides[0] + 1, outW = (wd + begin[1] + end[1] - span[1]) / strides[1] + 1
    try checkSize([n, o, outH, outW], c)
    try checkSize([n, channels, h + begin[0] + end[0], wd + begin[1] + end[1]], c)
    try spend(n * o * outH * outW * perGroup * kh * kw, c)
    // Symmetric padding goes to the kernel; the rest is explicit zeros.
    let (ph, pw) = (Swift.min(begin[0], end[0]), Swift.min(begin[1], end[1]))
    if begin[0] != end[0] { x = x.padded(axis: 2, before: begin[0] - ph, after: end[0] - ph) }
    if begin[1] != end[1] { x = x.padded(axis: 3, before: begin[1] - pw, after: end[1] - pw) }
    let window = Window2D(strideH: strides[0], strideW: strides[1], padH: ph, padW: pw,
                          dilationH: dilations[0], dilationW: dilations[1])
    if groups == 1 { return x.conv2d(w, bias: b, window: window) }
    let outPerGroup = o / groups
    let parts = (0..<groups).map { g in
      x.sliced(axis: 1, (g * perGroup)..<((g + 1) * perGroup))
        .conv2d(w.sliced(axis: 0, (g * outPerGroup)..<((g + 1) * outPerGroup)), window: window)
    }
    let y = Variable.concatenated(parts, axis: 1)
    return b.map { y + $0.reshaped([o, 1, 1]) } ?? y
  }

  /// `Gemm`: `alpha·op(A)·op(B) + beta·C` for matrices, C broadcast to the product.
  mutating func gemm(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["alpha", "beta", "transA", "transB"])
    let a = try float(inputs, 0, c), b = try float(inputs, 1, c), bias = try optionalFloat(inputs, 2, c)
    let (tA, tB) = (try c.int("transA") ?? 0 != 0, try c.int("transB") ?? 0 != 0)
    let (alpha, beta) = (try c.float("alpha") ?? 1, try c.float("beta") ?? 1)
    guard a.rank == 2, b.rank == 2 else { throw c.fail("Gemm needs matrices, got \(a.shape) and \(b.shape)") }
    let (m, k) = tA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = tB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == k2 else { throw c.fail("inner dimensions differ: \(a.shape)\(tA ? "ᵀ" : "") · \(b.shape)\(tB ? "ᵀ" : "")") }
    try checkSize([m, n], c)
    try spend(m * n * k, c)
    var y = a.matmul(b, transposeSelf: tA, transposeOther: tB)
    if alpha != 1 { y = y * S(alpha) }
    guard let bias else { return y }
    guard broadcastShapes(bias.shape, [m, n]) == [m, n] else { throw c.fail("C \(bias.shape) does not broadcast to [\(m), \(n)]") }
    return y + (beta == 1 ? bias : bias * S(beta))
  }

  /// `MatMul` with NumPy semantics: vectors are promoted to matrices and back, batch dimensions
  /// broadcast.
  mutating func matmul(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow([])
    var a = try float(inputs, 0, c), b = try float(inputs, 1, c)
    guard a.rank >= 1, b.rank >= 1 else { throw c.fail("MatMul of scalars") }
    let (vectorA, vectorB) = (a.rank == 1, b.rank == 1)
    if vectorA { a = a.reshaped([1, a.count]) }
    if vectorB { b = b.reshaped([b.count, 1]) }
    let (m, k, k2, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 2], b.shape[b.rank - 1])
    guard k == k2, let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
      throw c.fail("shapes \(a.shape) and \(b.shape) do not multiply")
    }
    try checkSize(batch + [m, n], c)
    try spend(batch.elementCount * m * n * k, c)
    var y = a.matmul(b)
    if vectorA { y = y.reshaped(Array(y.shape.dropLast(2)) + [n]) }
    if vectorB { y = y.reshaped(Array(y.shape.dropLast(vectorA ? 1 : 2)) + (vectorA ? [] : [m])) }
    return y
  }

  /// `BatchNormalization` in inference mode (running statistics), or with batch statistics when
  /// the binding trains (recorded, like the built-ins, under the running mean's prefix).
  func batchNormalization(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow(["epsilon", "momentum", "training_mode", "spatial"])
    if try c.int("training_mode") ?? 0 != 0 { throw c.unsupported("training_mode", "only inference (0)") }
    if try c.int("spatial") ?? 1 != 1 { throw c.unsupported("spatial", "only 1") }
    let x = try float(inputs, 0, c), scale = try float(inputs, 1, c), shift = try float(inputs, 2, c)
    let mean = try float(inputs, 3, c), variance = try float(inputs, 4, c)
    guard x.rank >= 2 else { throw c.fail("input \(x.shape) has no channel axis") }
    let channels = x.shape[1]
    for (v, what) in [(scale, "scale"), (shift, "bias"), (mean, "mean"), (variance, "variance")] where v.shape != [channels] {
      throw c.fail("\(what) \(v.shape) does not match \(channels) channels")
    }
    guard !mean.requiresGrad, !variance.requiresGrad else {
      throw c.fail("the running mean and variance must be initializers (buffers), not computed tensors")
    }
    let epsilon = S(try c.float("epsilon") ?? 1e-5)
    if binding.training {
      if let recorder = binding.recorder, c.node.inputs[3].hasSuffix(".running_mean") {
        let s = x.batchStatistics()
        recorder.record(String(c.node.inputs[3].dropLast(".running_mean".count)), (Tensor<Double>(s.mean), Tensor<Double>(s.variance)))
      }
      return x.batchNorm(weight: scale, bias: shift, epsilon: epsilon)
    }
    return x.batchNorm(runningMean: mean.value, runningVariance: variance.value, weight: scale, bias: shift, epsilon: epsilon)
  }

  /// `MaxPool` and `AveragePool` over 2-D windows: kernel, strides, (asymmetric or automatic)
  /// padding, dilations, ceil mode, and for averages whether padding counts.
  mutating func pool(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    let isMax = c.node.op == "MaxPool"
    try c.allow(isMax ? ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"]
                      : ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"])
    if isMax && c.node.outputs.count > 1 && !c.node.outputs[1].isEmpty { throw c.unsupported("Indices output", "only the pooled values") }
    let x = try float(inputs, 0, c)
    guard x.rank == 4 else { throw c.fail("only 2-D pooling is supported (input \(x.shape))") }
    guard let kernel = try c.ints("kernel_shape"), kernel.count == 2, kernel.allSatisfy({ $0 > 0 && $0 <= ONNXLimits.tensorElements }) else {
      throw c.fail("kernel_shape must be two positive values")
    }
    let strides = try windowValues(c, "strides", rank: 2), dilations = try windowValues(c, "dilations", rank: 2)
    let span = [dilations[0] * (kernel[0] - 1) + 1, dilations[1] * (kernel[1] - 1) + 1]
    let (h, w) = (x.shape[2], x.shape[3])
    let (begin, end) = try spatialPadding(c, input: [h, w], span: span, strides: strides)
    let ceil = try c.int("ceil_mode") ?? 0 != 0
    let geometry = Pool2DGeometry(
      planes: 1, inHeight: h, inWidth: w, kernelHeight: kernel[0], kernelWidth: kernel[1], strideH: strides[0],
      strideW: strides[1], padH: begin[0], padW: begin[1], padBottom: end[0], padRight: end[1],
      dilationH: dilations[0], dilationW: dilations[1], ceilMode: ceil,
      countIncludePad: try c.int("count_include_pad") ?? 0 != 0)
    guard geometry.isValid else {
      throw c.fail("the \(kernel[0])×\(kernel[1]) window with pads \(begin + end) does not fit the \(h)×\(w) input (every window needs an input cell)")
    }
    try checkSize([x.shape[0], x.shape[1], geometry.outHeight, geometry.outWidth], c)
    try spend(x.shape[0] * x.shape[1] * geometry.outHeight * geometry.outWidth * kernel[0] * kernel[1], c)
    return isMax ? x.maxPool2d(geometry) : x.avgPool2d(geometry)
  }

  /// `GlobalAveragePool`: the mean over every spatial axis, kept as extent 1.
  func globalAveragePool(_ c: NodeContext, _ inputs: [ONNXValue<S>?]) throws(ONNXError) -> Variable<S> {
    try c.allow([])
    let x = try float(inputs, 0, c)
    guard x.rank >= 3, x.shape.dropFirst(2).allSatisfy({ $0 > 0 }) else { throw c.fail("input \(x.shape) has no spatial axes") }
    return x.mean(axes: Array(2..<x.rank), keepDims: true)
  }
}
