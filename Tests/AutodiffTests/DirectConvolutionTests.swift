import Testing

@testable import Autodiff

/// The direct convolutions (phase planes read in place by the gathering micro-kernel) against
/// direct loops: through the kernel entry points for the batches that take that path, and called
/// directly on every geometry of ``ConvolutionKernelTests`` (odd sizes, strides, kernels without
/// padding, phase blocks no tap reaches, partial panels of outputs and channels).
@Suite struct DirectConvolutionTests {
  typealias Reference = ConvolutionKernelTests

  /// Batches the entry points send down the direct path.
  static let dispatched: [Conv2DGeometry] = [
    // convnet5 with a batch of cotangents.
    Conv2DGeometry(batch: 40, inChannels: 12, inHeight: 7, inWidth: 7, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padH: 2, padW: 2),
    Conv2DGeometry(batch: 37, inChannels: 12, inHeight: 14, inWidth: 14, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    // Partial panels of 12 outputs or channels, mixed strides and paddings, odd sizes.
    Conv2DGeometry(batch: 9, inChannels: 13, inHeight: 9, inWidth: 7, outChannels: 25, kernelHeight: 3, kernelWidth: 5, strideH: 1, strideW: 2, padH: 0, padW: 2),
    Conv2DGeometry(batch: 8, inChannels: 8, inHeight: 16, inWidth: 11, outChannels: 8, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 1, padH: 1, padW: 1),
    Conv2DGeometry(batch: 16, inChannels: 30, inHeight: 5, inWidth: 6, outChannels: 9, kernelHeight: 5, kernelWidth: 5),
  ]

  static func data(_ g: Conv2DGeometry) -> (x: [Double], w: [Double], dy: [Double]) {
    var rng = SeededRandom(seed: UInt64(g.macs % 100_019))
    return ((0..<g.inputShape.elementCount).map { _ in rng.uniform(-1, 1) },
            (0..<g.weightShape.elementCount).map { _ in rng.uniform(-1, 1) },
            (0..<g.outputShape.elementCount).map { _ in rng.uniform(-1, 1) })
  }

  /// Forward and input gradient, through the entry points (`direct: false`) or the direct kernels.
  static func check<T: TensorScalar>(_: T.Type, _ g: Conv2DGeometry, direct: Bool, tolerance: Double) {
    let (x, w, dy) = data(g)
    let (xt, wt, dyt) = (x.map { T($0) }, w.map { T($0) }, dy.map { T($0) })
    let scale = Double(g.inChannels * g.kernelHeight * g.kernelWidth)
    var y = [T](repeating: .nan, count: g.outputShape.elementCount)
    var dx = [T](repeating: .nan, count: g.inputShape.elementCount)
    if direct {
      xt.withUnsafeBufferPointer { xp in
        wt.withUnsafeBufferPointer { wp in
          y.withUnsafeMutableBufferPointer { T.conv2dDirect(g, input: xp.baseAddress!, weight: wp.baseAddress!, output: $0.baseAddress!) }
        }
      }
      dyt.withUnsafeBufferPointer { gp in
        wt.withUnsafeBufferPointer { wp in
          dx.withUnsafeMutableBufferPointer {
            T.conv2dInputGradDirect(g, outputGrad: gp.baseAddress!, weight: wp.baseAddress!, inputGrad: $0.baseAddress!)
          }
        }
      }
    } else {
      T.conv2d(g, input: xt, weight: wt, output: &y)
      T.conv2dInputGrad(g, outputGrad: dyt, weight: wt, inputGrad: &dx)
    }
    Reference.expectClose(y, Reference.referenceConv(g, input: x, weight: w), tolerance * scale, "\(T.self) direct forward \(g)")
    Reference.expectClose(dx, Reference.referenceInputGrad(g, outputGrad: dy, weight: w), tolerance * scale,
                          "\(T.self) direct input grad \(g)")
  }

  @Test(arguments: dispatched)
  func dispatchedPaths(_ g: Conv2DGeometry) {
    #expect(DirectConvolution.isProfitable(g, rows: g.outChannels, Double.self), "\(g) should take the direct path")
    Self.check(Float.self, g, direct: false, tolerance: 1e-6)
    Self.check(Double.self, g, direct: false, tolerance: 1e-14)
  }

  @Test(arguments: ConvolutionKernelTests.geometries + dispatched)
  func directKernels(_ g: Conv2DGeometry) {
    Self.check(Float.self, g, direct: true, tolerance: 1e-6)
    Self.check(Double.self, g, direct: true, tolerance: 1e-14)
  }

  /// The single-image weight gradient (one GEMM on an unfolding without junk columns), with many
  /// outputs as a stacked batch of gradients gives it.
  @Test func singleImageWeightGradWithManyOutputs() {
    for g in [
      Conv2DGeometry(batch: 1, inChannels: 12, inHeight: 7, inWidth: 7, outChannels: 600, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padH: 2, padW: 2),
      Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 13, inWidth: 10, outChannels: 50, kernelHeight: 3, kernelWidth: 5, strideH: 2, strideW: 1, padH: 1, padW: 0),
    ] {
      let (x, _, dy) = Self.data(g)
      let want = Reference.referenceWeightGrad(g, input: x, outputGrad: dy)
      let scale = Double(g.outHeight * g.outWidth)
      var dw = [Double](repeating: .nan, count: g.weightShape.elementCount)
      Double.conv2dWeightGrad(g, input: x, outputGrad: dy, weightGrad: &dw)
      Reference.expectClose(dw, want, 1e-14 * scale, "Double single-image weight grad \(g)")
      var dwf = [Float](repeating: .nan, count: g.weightShape.elementCount)
      Float.conv2dWeightGrad(g, input: x.map { Float($0) }, outputGrad: dy.map { Float($0) }, weightGrad: &dwf)
      Reference.expectClose(dwf, want, 1e-6 * scale, "Float single-image weight grad \(g)")
    }
  }
}
