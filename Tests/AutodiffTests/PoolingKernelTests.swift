import Testing

@testable import Autodiff

/// The pooling kernels against direct loops: 2×2 stride 2 and 3×3 stride 2 pad 1, even and odd
/// sizes, ties, ceil mode, asymmetric padding, dilation, averages with and without the padding,
/// and the adjoints.
@Suite struct PoolingKernelTests {
  // MARK: Reference loops

  /// Input positions `(iy, ix)` inside the window of output `(y, x)`, in row-major order.
  static func window(_ g: Pool2DGeometry, _ y: Int, _ x: Int) -> [(Int, Int)] {
    var cells: [(Int, Int)] = []
    for i in 0..<g.kernelHeight {
      for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i * g.dilationH, ix = x * g.strideW - g.padW + j * g.dilationW
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth { cells.append((iy, ix)) }
      }
    }
    return cells
  }

  /// What an average divides by: the window's input cells, or (counting the padding) its cells
  /// inside the padded input.
  static func divisor(_ g: Pool2DGeometry, _ y: Int, _ x: Int) -> Double {
    guard g.countIncludePad else { return Double(window(g, y, x).count) }
    var count = 0
    for i in 0..<g.kernelHeight {
      for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i * g.dilationH, ix = x * g.strideW - g.padW + j * g.dilationW
        if iy < g.inHeight + g.padBottom && ix < g.inWidth + g.padRight { count += 1 }
      }
    }
    return Double(count)
  }

  static func referenceMaxPool(_ g: Pool2DGeometry, _ input: [Double]) -> (values: [Double], argmax: [Int32]) {
    var values: [Double] = [], argmax: [Int32] = []
    for p in 0..<g.planes {
      for y in 0..<g.outHeight {
        for x in 0..<g.outWidth {
          var best = -Double.infinity, at = -1
          for (iy, ix) in window(g, y, x) {
            let v = input[(p * g.inHeight + iy) * g.inWidth + ix]
            if v > best || at < 0 { best = v; at = iy * g.inWidth + ix }
          }
          values.append(best)
          argmax.append(Int32(at))
        }
      }
    }
    return (values, argmax)
  }

  static func referenceAvgPool(_ g: Pool2DGeometry, _ input: [Double]) -> [Double] {
    var out: [Double] = []
    for p in 0..<g.planes {
      for y in 0..<g.outHeight {
        for x in 0..<g.outWidth {
          let s = window(g, y, x).reduce(0.0) { $0 + input[(p * g.inHeight + $1.0) * g.inWidth + $1.1] }
          out.append(s / divisor(g, y, x))
        }
      }
    }
    return out
  }

  static func referenceAvgAdjoint(_ g: Pool2DGeometry, _ outputGrad: [Double]) -> [Double] {
    var grad = [Double](repeating: 0, count: g.planes * g.inHeight * g.inWidth)
    var o = 0
    for p in 0..<g.planes {
      for y in 0..<g.outHeight {
        for x in 0..<g.outWidth {
          for (iy, ix) in window(g, y, x) {
            grad[(p * g.inHeight + iy) * g.inWidth + ix] += outputGrad[o] / divisor(g, y, x)
          }
          o += 1
        }
      }
    }
    return grad
  }

  // MARK: Cases

  static let geometries: [Pool2DGeometry] = [
    Pool2DGeometry(planes: 3, inHeight: 28, inWidth: 28, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2),
    Pool2DGeometry(planes: 2, inHeight: 7, inWidth: 9, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2),
    Pool2DGeometry(planes: 2, inHeight: 14, inWidth: 14, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    Pool2DGeometry(planes: 3, inHeight: 7, inWidth: 9, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    Pool2DGeometry(planes: 1, inHeight: 5, inWidth: 6, kernelHeight: 3, kernelWidth: 2, strideH: 1, strideW: 2, padH: 1, padW: 0),
    // Enough planes to be split across cores.
    Pool2DGeometry(planes: 200, inHeight: 28, inWidth: 28, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2),
    Pool2DGeometry(planes: 200, inHeight: 15, inWidth: 15, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    // Ceil mode (a partial last window; none starting in the trailing padding), asymmetric
    // padding, dilation, and averages over input cells only.
    Pool2DGeometry(planes: 2, inHeight: 7, inWidth: 9, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, ceilMode: true),
    Pool2DGeometry(planes: 2, inHeight: 8, inWidth: 7, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true),
    Pool2DGeometry(planes: 2, inHeight: 6, inWidth: 7, kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 1, padH: 1, padW: 0, padBottom: 0, padRight: 1),
    Pool2DGeometry(planes: 2, inHeight: 9, inWidth: 8, kernelHeight: 3, kernelWidth: 2, strideH: 1, strideW: 2, padH: 2, padW: 1, dilationH: 2, dilationW: 3),
    Pool2DGeometry(planes: 3, inHeight: 7, inWidth: 7, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, countIncludePad: false),
    Pool2DGeometry(planes: 2, inHeight: 7, inWidth: 8, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true, countIncludePad: false),
  ]

  static func check<T: TensorScalar>(_: T.Type, _ g: Pool2DGeometry, ties: Bool) {
    var rng = SeededRandom(seed: UInt64(g.planes * 1000 + g.inHeight))
    let inCount = g.planes * g.inHeight * g.inWidth, outCount = g.planes * g.outHeight * g.outWidth
    // Ties: few distinct values, so most windows hold several equal maxima. Values are rounded to
    // T first, so the reference sees exactly what the kernel sees.
    let x = (0..<inCount).map { _ in Double(T(ties ? Double(Int(rng.uniform(0, 3))) : rng.uniform(-1, 1))) }
    let dy = (0..<outCount).map { _ in Double(T(rng.uniform(-1, 1))) }
    let tolerance = 8 * Double(T.ulpOfOne)

    let (wantMax, wantArg) = referenceMaxPool(g, x)
    var y = [T](repeating: .nan, count: outCount), arg = [Int32](repeating: -7, count: outCount)
    T.maxPool2d(g, input: x.map { T($0) }, output: &y, argmax: &arg)
    #expect(arg == wantArg, "\(T.self) argmax \(g)")
    #expect(zip(y, wantMax).allSatisfy { Double($0) == $1 }, "\(T.self) max \(g)")

    var gathered = [T](repeating: .nan, count: outCount)
    T.maxPool2dGather(g, input: x.map { T($0) }, argmax: wantArg, output: &gathered)
    #expect(zip(gathered, wantMax).allSatisfy { Double($0) == $1 }, "\(T.self) gather \(g)")

    // Scatter: the sum of the gradients routed to each input.
    var wantScatter = [Double](repeating: 0, count: inCount)
    let outPlane = g.outHeight * g.outWidth, plane = g.inHeight * g.inWidth
    for o in 0..<outCount { wantScatter[o / outPlane * plane + Int(wantArg[o])] += dy[o] }
    var scattered = [T](repeating: .nan, count: inCount)
    T.maxPool2dScatter(g, outputGrad: dy.map { T($0) }, argmax: wantArg, inputGrad: &scattered)
    #expect(zip(scattered, wantScatter).allSatisfy { abs(Double($0) - $1) <= 4 * tolerance }, "\(T.self) scatter \(g)")

    var avg = [T](repeating: .nan, count: outCount)
    T.avgPool2d(g, input: x.map { T($0) }, output: &avg)
    let wantAvg = referenceAvgPool(g, x)
    #expect(zip(avg, wantAvg).allSatisfy { abs(Double($0) - $1) <= 4 * tolerance }, "\(T.self) avg \(g)")

    var adjoint = [T](repeating: .nan, count: inCount)
    T.avgPool2dAdjoint(g, outputGrad: dy.map { T($0) }, inputGrad: &adjoint)
    let wantAdjoint = referenceAvgAdjoint(g, dy)
    #expect(zip(adjoint, wantAdjoint).allSatisfy { abs(Double($0) - $1) <= 4 * tolerance }, "\(T.self) avg adjoint \(g)")
  }

  @Test(arguments: geometries)
  func distinctValues(_ g: Pool2DGeometry) {
    Self.check(Float.self, g, ties: false)
    Self.check(Double.self, g, ties: false)
  }

  @Test(arguments: geometries)
  func tiesTakeTheFirstMaximum(_ g: Pool2DGeometry) {
    Self.check(Float.self, g, ties: true)
    Self.check(Double.self, g, ties: true)
  }
}
