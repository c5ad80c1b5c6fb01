import Testing

@testable import Autodiff

/// The im2col + GEMM convolution kernels against direct loops, for every stride/padding the models
/// use, dilations, odd input sizes, several batch sizes and channel counts, in both precisions.
@Suite struct ConvolutionKernelTests {
  // MARK: Reference loops (accumulated in Double)

  static func inputIndex(_ g: Conv2DGeometry, _ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
    ((n * g.inChannels + c) * g.inHeight + y) * g.inWidth + x
  }
  static func weightIndex(_ g: Conv2DGeometry, _ o: Int, _ c: Int, _ i: Int, _ j: Int) -> Int {
    ((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j
  }
  static func outputIndex(_ g: Conv2DGeometry, _ n: Int, _ o: Int, _ y: Int, _ x: Int) -> Int {
    ((n * g.outChannels + o) * g.outHeight + y) * g.outWidth + x
  }

  /// Calls `body(n, o, y, x, c, inputIndex, weightIndex)` for every product term of the convolution.
  static func forEachTerm(_ g: Conv2DGeometry, _ body: (Int, Int, Int) -> Void) {
    for n in 0..<g.batch { for o in 0..<g.outChannels { for y in 0..<g.outHeight { for x in 0..<g.outWidth {
      for c in 0..<g.inChannels { for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i * g.dilationH, ix = x * g.strideW - g.padW + j * g.dilationW
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth {
          body(outputIndex(g, n, o, y, x), inputIndex(g, n, c, iy, ix), weightIndex(g, o, c, i, j))
        }
      } } }
    } } } }
  }

  static func referenceConv(_ g: Conv2DGeometry, input: [Double], weight: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: g.outputShape.elementCount)
    forEachTerm(g) { o, i, w in out[o] += input[i] * weight[w] }
    return out
  }

  static func referenceInputGrad(_ g: Conv2DGeometry, outputGrad: [Double], weight: [Double]) -> [Double] {
    var grad = [Double](repeating: 0, count: g.inputShape.elementCount)
    forEachTerm(g) { o, i, w in grad[i] += outputGrad[o] * weight[w] }
    return grad
  }

  static func referenceWeightGrad(_ g: Conv2DGeometry, input: [Double], outputGrad: [Double]) -> [Double] {
    var grad = [Double](repeating: 0, count: g.weightShape.elementCount)
    forEachTerm(g) { o, i, w in grad[w] += outputGrad[o] * input[i] }
    return grad
  }

  // MARK: Cases

  static let geometries: [Conv2DGeometry] = [
    // The small convnet: 1→12 and 12→12, 5×5, pad 2, stride 2 and 1.
    Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    Conv2DGeometry(batch: 3, inChannels: 12, inHeight: 14, inWidth: 14, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    Conv2DGeometry(batch: 3, inChannels: 12, inHeight: 7, inWidth: 7, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padH: 2, padW: 2),
    // 3×3 pad 1, stride 1 and 2, on an odd non-square input.
    Conv2DGeometry(batch: 3, inChannels: 3, inHeight: 7, inWidth: 9, outChannels: 12, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
    Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 7, inWidth: 9, outChannels: 5, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    Conv2DGeometry(batch: 3, inChannels: 12, inHeight: 9, inWidth: 7, outChannels: 3, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    // 1×1 stride 2 (a downsampling shortcut) and 5×5 without padding.
    Conv2DGeometry(batch: 3, inChannels: 12, inHeight: 7, inWidth: 9, outChannels: 12, kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2),
    Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 9, inWidth: 7, outChannels: 1, kernelHeight: 5, kernelWidth: 5),
    // Mixed strides and paddings per axis.
    Conv2DGeometry(batch: 3, inChannels: 3, inHeight: 7, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 5, strideH: 1, strideW: 2, padH: 0, padW: 2),
    // A batch large enough for chunking (with a partial last chunk) and both cores.
    Conv2DGeometry(batch: 41, inChannels: 12, inHeight: 14, inWidth: 14, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    // Dilations: with stride 1, with a stride that shares their phase, mixed per axis, and on the
    // direct path (batch ≥ 8) and the wide weight-gradient path (many input channels).
    Conv2DGeometry(batch: 3, inChannels: 4, inHeight: 9, inWidth: 11, outChannels: 5, kernelHeight: 3, kernelWidth: 3, padH: 2, padW: 2, dilationH: 2, dilationW: 2),
    Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 10, inWidth: 10, outChannels: 6, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 2, dilationW: 2),
    Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 11, inWidth: 9, outChannels: 3, kernelHeight: 3, kernelWidth: 2, strideH: 3, strideW: 2, padH: 2, padW: 1, dilationH: 2, dilationW: 3),
    Conv2DGeometry(batch: 12, inChannels: 12, inHeight: 10, inWidth: 10, outChannels: 12, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 1, padH: 2, padW: 2, dilationH: 2, dilationW: 3),
    Conv2DGeometry(batch: 2, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 4, kernelHeight: 3, kernelWidth: 3, padH: 2, padW: 2, dilationH: 2, dilationW: 2),
    // One image's weight gradient unfolds windows as rows: a kernel too wide for one 8-lane copy,
    // and one 6 wide (whose copy spills into the next channel's columns) with a 1-wide output.
    Conv2DGeometry(batch: 1, inChannels: 2, inHeight: 8, inWidth: 12, outChannels: 3, kernelHeight: 3, kernelWidth: 9, strideH: 1, strideW: 2, padH: 1, padW: 4),
    Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 6, inWidth: 6, outChannels: 2, kernelHeight: 2, kernelWidth: 6),
  ]

  static func check<T: TensorScalar>(_: T.Type, _ g: Conv2DGeometry, tolerance: Double) {
    var rng = SeededRandom(seed: UInt64(g.macs))
    let x = (0..<g.inputShape.elementCount).map { _ in rng.uniform(-1, 1) }
    let w = (0..<g.weightShape.elementCount).map { _ in rng.uniform(-1, 1) }
    let dy = (0..<g.outputShape.elementCount).map { _ in rng.uniform(-1, 1) }
    // Sums have at most C·kh·kw (forward, input grad) or N·H'·W' (weight grad) terms in [-1, 1].
    let forwardScale = Double(g.inChannels * g.kernelHeight * g.kernelWidth)
    let weightScale = Double(g.batch * g.outHeight * g.outWidth)

    // Outputs start as NaN: every element must be overwritten.
    var y = [T](repeating: .nan, count: g.outputShape.elementCount)
    T.conv2d(g, input: x.map { T($0) }, weight: w.map { T($0) }, output: &y)
    expectClose(y, referenceConv(g, input: x, weight: w), tolerance * forwardScale, "\(T.self) forward \(g)")

    var dx = [T](repeating: .nan, count: g.inputShape.elementCount)
    T.conv2dInputGrad(g, outputGrad: dy.map { T($0) }, weight: w.map { T($0) }, inputGrad: &dx)
    expectClose(dx, referenceInputGrad(g, outputGrad: dy, weight: w), tolerance * forwardScale, "\(T.self) input grad \(g)")

    var dw = [T](repeating: .nan, count: g.weightShape.elementCount)
    T.conv2dWeightGrad(g, input: x.map { T($0) }, outputGrad: dy.map { T($0) }, weightGrad: &dw)
    expectClose(dw, referenceWeightGrad(g, input: x, outputGrad: dy), tolerance * weightScale, "\(T.self) weight grad \(g)")
  }

  static func expectClose<T: TensorScalar>(_ got: [T], _ want: [Double], _ tolerance: Double, _ what: String) {
    #expect(got.count == want.count)
    let worst = zip(got, want).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(worst <= tolerance, "\(what): error \(worst)")
  }

  @Test(arguments: geometries)
  func float32(_ g: Conv2DGeometry) { Self.check(Float.self, g, tolerance: 1e-6) }

  @Test(arguments: geometries)
  func float64(_ g: Conv2DGeometry) { Self.check(Double.self, g, tolerance: 1e-14) }
}
