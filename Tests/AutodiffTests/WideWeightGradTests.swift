import Testing

@testable import Autodiff

/// The channels-last weight gradient (many input channels, few outputs: a batch of cotangents
/// stacked along the input channels) against direct loops: through the kernel entry point, with
/// channel groups, and through `Tensor.conv2dWeightGrad` with a batch of inputs.
@Suite struct WideWeightGradTests {
  typealias Reference = ConvolutionKernelTests

  static let geometries: [Conv2DGeometry] = [
    // convnet5's stacked layers with 196 cotangents: 2,352 channels.
    Conv2DGeometry(batch: 1, inChannels: 2352, inHeight: 7, inWidth: 7, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padH: 2, padW: 2),
    Conv2DGeometry(batch: 1, inChannels: 2352, inHeight: 14, inWidth: 14, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    Conv2DGeometry(batch: 1, inChannels: 196, inHeight: 28, inWidth: 28, outChannels: 12, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padH: 2, padW: 2),
    // Channel blocks ending in a partial panel, a partial panel of outputs, several images.
    Conv2DGeometry(batch: 3, inChannels: 100, inHeight: 7, inWidth: 9, outChannels: 13, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
    Conv2DGeometry(batch: 2, inChannels: 68, inHeight: 9, inWidth: 7, outChannels: 5, kernelHeight: 3, kernelWidth: 5, strideH: 1, strideW: 2, padH: 0, padW: 2),
    // Many blocks, 1×1 stride 2 (phases no tap reads), no padding.
    Conv2DGeometry(batch: 1, inChannels: 1000, inHeight: 11, inWidth: 11, outChannels: 3, kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2),
    Conv2DGeometry(batch: 2, inChannels: 333, inHeight: 6, inWidth: 5, outChannels: 16, kernelHeight: 5, kernelWidth: 5),
  ]

  static func data(_ g: Conv2DGeometry) -> (x: [Double], dy: [Double]) {
    var rng = SeededRandom(seed: UInt64(g.macs % 100_003))
    return ((0..<g.inputShape.elementCount).map { _ in rng.uniform(-1, 1) },
            (0..<g.outputShape.elementCount).map { _ in rng.uniform(-1, 1) })
  }

  static func check<T: TensorScalar>(_: T.Type, _ g: Conv2DGeometry, tolerance: Double) {
    #expect(WideWeightGradBlocking.isProfitable(g), "\(g) should take the wide path")
    let (x, dy) = data(g)
    let want = Reference.referenceWeightGrad(g, input: x, outputGrad: dy)
    let scale = Double(g.batch * g.outHeight * g.outWidth)
    var dw = [T](repeating: .nan, count: g.weightShape.elementCount)
    T.conv2dWeightGrad(g, input: x.map { T($0) }, outputGrad: dy.map { T($0) }, weightGrad: &dw)
    Reference.expectClose(dw, want, tolerance * scale, "\(T.self) wide weight grad \(g)")

    // The same channels as groups: the result in [groups, O, C / groups, kh, kw] order.
    for groups in [2, 4] where g.inChannels % groups == 0 {
      var grouped = [T](repeating: .nan, count: g.weightShape.elementCount)
      x.map { T($0) }.withUnsafeBufferPointer { xp in
        dy.map { T($0) }.withUnsafeBufferPointer { gp in
          grouped.withUnsafeMutableBufferPointer {
            T.conv2dWeightGradWide(g, input: xp.baseAddress!, outputGrad: gp.baseAddress!, weightGrad: $0.baseAddress!, groups: groups)
          }
        }
      }
      let perGroup = g.inChannels / groups, taps = g.kernelHeight * g.kernelWidth
      var regrouped = [Double](repeating: 0, count: want.count)
      for o in 0..<g.outChannels {
        for c in 0..<g.inChannels {
          for t in 0..<taps {
            regrouped[((c / perGroup * g.outChannels + o) * perGroup + c % perGroup) * taps + t] = want[(o * g.inChannels + c) * taps + t]
          }
        }
      }
      Reference.expectClose(grouped, regrouped, tolerance * scale, "\(T.self) wide weight grad in \(groups) groups \(g)")
    }
  }

  @Test(arguments: geometries)
  func float32(_ g: Conv2DGeometry) { Self.check(Float.self, g, tolerance: 1e-6) }

  @Test(arguments: geometries)
  func float64(_ g: Conv2DGeometry) { Self.check(Double.self, g, tolerance: 1e-14) }

  /// A batch of inputs against one gradient (what a batch of cotangents gives the weight adjoint of
  /// a transposed convolution) equals one weight gradient per batch entry.
  @Test(arguments: [1, 2])
  func batchOfInputsMatchesEntryByEntry(images: Int) {
    var rng = SeededRandom(seed: 11)
    let window = Window2D(stride: 2, padding: 2)
    let x = Tensor<Double>.normal([3, 4, images, 12, 14, 14], using: &rng)  // 12 batch entries: 144 channels
    let g = Tensor<Double>.normal([images, 12, 7, 7], using: &rng)
    let batched = Tensor.conv2dWeightGrad(input: x, outputGrad: g, kernelSize: (5, 5), window: window)
    #expect(batched.shape == [3, 4, 12, 12, 5, 5])
    let entry = 12 * 12 * 25
    for e in 0..<12 {
      let xe = Tensor(shape: [images, 12, 14, 14], scalars: Array(x.scalars[(e * images * 12 * 196)..<((e + 1) * images * 12 * 196)]))
      let single = Tensor.conv2dWeightGrad(input: xe, outputGrad: g, kernelSize: (5, 5), window: window)
      let got = Tensor(shape: single.shape, scalars: Array(batched.scalars[(e * entry)..<((e + 1) * entry)]))
      #expect((got - single).maxAbs() <= 1e-12 * Swift.max(1, single.maxAbs()))
    }
  }
}
