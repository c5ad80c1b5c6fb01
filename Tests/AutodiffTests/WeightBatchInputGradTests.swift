import Testing

@testable import Autodiff

/// The input gradient of one image for a batch of weights (the `J·δ` pass's convolutions) by the
/// unfolded output gradient, against one plain input gradient per weight.
@Suite struct WeightBatchInputGradTests {
  struct Case: Sendable, CustomStringConvertible {
    var weights: [Int]  // the batch dimensions of the weights
    var channels: (in: Int, out: Int)
    var input: (height: Int, width: Int)
    var kernel: (height: Int, width: Int)
    var window: Window2D
    var description: String { "\(weights) weights \(channels) \(input) kernel \(kernel) \(window)" }
  }

  static let cases: [Case] = [
    // convnet5's first layer on a photo: 5×5, stride 2, padding 2.
    Case(weights: [13], channels: (3, 12), input: (32, 32), kernel: (5, 5), window: Window2D(stride: 2, padding: 2)),
    // Stride 1, 'same' padding, two batch dimensions.
    Case(weights: [3, 4], channels: (4, 5), input: (9, 7), kernel: (3, 3), window: Window2D(stride: 1, padding: 1)),
    // Uneven strides and padding, a non-square kernel, dilation.
    Case(weights: [12], channels: (2, 3), input: (11, 10), kernel: (3, 2),
         window: Window2D(strideH: 2, strideW: 3, padH: 1, padW: 0, dilationH: 2, dilationW: 1)),
    // 1×1 stride 2: the inputs no tap reaches are zero.
    Case(weights: [14], channels: (6, 4), input: (7, 8), kernel: (1, 1), window: Window2D(stride: 2)),
  ]

  static func check<T: TensorScalar>(_: T.Type, _ c: Case, tolerance: Double) {
    var rng = SeededRandom(seed: UInt64(c.channels.in * 31 + c.input.height))
    let e = c.weights.reduce(1, *)
    #expect(e >= WeightBatchInputGrad.minimumWeightCount, "fewer weights take the stacked route")
    let shape = [c.channels.out, c.channels.in, c.kernel.height, c.kernel.width]
    let weights = Tensor<T>.normal(c.weights + shape, using: &rng)
    let probe = Tensor<T>(zeros: [1, c.channels.in, c.input.height, c.input.width]).conv2d(Tensor<T>(zeros: shape), window: c.window)
    let g = Tensor<T>.normal(probe.shape, using: &rng)
    let batched = Tensor.conv2dInputGrad(g, weight: weights, inputSize: c.input, window: c.window)
    #expect(batched.shape == c.weights + [1, c.channels.in, c.input.height, c.input.width])
    let entry = shape.elementCount, plane = c.channels.in * c.input.height * c.input.width
    for k in 0..<e {
      let w = Tensor(shape: shape, scalars: Array(weights.scalars[(k * entry)..<((k + 1) * entry)]))
      let want = Tensor.conv2dInputGrad(g, weight: w, inputSize: c.input, window: c.window)
      let got = batched.scalars[(k * plane)..<((k + 1) * plane)]
      let error = zip(got, want.scalars).map { abs(Double($0) - Double($1)) }.max() ?? 0
      let scale = want.scalars.map { abs(Double($0)) }.max() ?? 0
      #expect(error <= tolerance * max(scale, 1), "weight \(k) of \(c): error \(error)")
    }
  }

  @Test(arguments: cases)
  func float64(_ c: Case) { Self.check(Double.self, c, tolerance: 1e-13) }

  @Test(arguments: cases)
  func float32(_ c: Case) { Self.check(Float.self, c, tolerance: 1e-5) }

  /// Two images still take the stacked route, and agree with it image by image.
  @Test func twoImagesAgreeWithOneAtATime() {
    var rng = SeededRandom(seed: 5)
    let window = Window2D(stride: 2, padding: 1)
    let weights = Tensor<Double>.normal([3, 4, 2, 3, 3], using: &rng)
    let g = Tensor<Double>.normal([2, 4, 4, 4], using: &rng)
    let both = Tensor.conv2dInputGrad(g, weight: weights, inputSize: (8, 8), window: window)
    #expect(both.shape == [3, 2, 2, 8, 8])
    for n in 0..<2 {
      let gn = Tensor(shape: [1, 4, 4, 4], scalars: Array(g.scalars[(n * 64)..<((n + 1) * 64)]))
      let one = Tensor.conv2dInputGrad(gn, weight: weights, inputSize: (8, 8), window: window)
      for k in 0..<3 {
        let got = both.scalars[((k * 2 + n) * 128)..<((k * 2 + n + 1) * 128)]
        let error = zip(got, one.scalars[(k * 128)..<((k + 1) * 128)]).map { abs($0 - $1) }.max() ?? 0
        #expect(error < 1e-12, "image \(n), weight \(k)")
      }
    }
  }
}
