// Placeholder reference convolution kernels: replaced by im2col + GEMM.
extension TensorScalar {
  public static func conv2d(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, weight: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    for n in 0..<g.batch { for o in 0..<g.outChannels { for y in 0..<oh { for x in 0..<ow {
      var s: Self = 0
      for c in 0..<g.inChannels { for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth {
          s += input[((n * g.inChannels + c) * g.inHeight + iy) * g.inWidth + ix]
            * weight[((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j]
        }
      } } }
      output[((n * g.outChannels + o) * oh + y) * ow + x] = s
    } } } }
  }

  public static func conv2dInputGrad(
    _ g: Conv2DGeometry, outputGrad: UnsafePointer<Self>, weight: UnsafePointer<Self>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    inputGrad.initialize(repeating: 0, count: g.inputShape.elementCount)
    for n in 0..<g.batch { for o in 0..<g.outChannels { for y in 0..<oh { for x in 0..<ow {
      let go = outputGrad[((n * g.outChannels + o) * oh + y) * ow + x]
      for c in 0..<g.inChannels { for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth {
          inputGrad[((n * g.inChannels + c) * g.inHeight + iy) * g.inWidth + ix] +=
            go * weight[((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j]
        }
      } } }
    } } } }
  }

  public static func conv2dWeightGrad(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, outputGrad: UnsafePointer<Self>, weightGrad: UnsafeMutablePointer<Self>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    weightGrad.initialize(repeating: 0, count: g.weightShape.elementCount)
    for n in 0..<g.batch { for o in 0..<g.outChannels { for y in 0..<oh { for x in 0..<ow {
      let go = outputGrad[((n * g.outChannels + o) * oh + y) * ow + x]
      for c in 0..<g.inChannels { for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth {
          weightGrad[((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j] +=
            go * input[((n * g.inChannels + c) * g.inHeight + iy) * g.inWidth + ix]
        }
      } } }
    } } } }
  }
}
