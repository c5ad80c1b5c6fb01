// Placeholder reference pooling kernels.
extension TensorScalar {
  public static func maxPool2d(
    _ g: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    for p in 0..<g.planes { for y in 0..<oh { for x in 0..<ow {
      var best = -Self.infinity, bestIndex: Int32 = -1
      for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth {
          let v = input[(p * g.inHeight + iy) * g.inWidth + ix]
          if v > best || bestIndex < 0 { best = v; bestIndex = Int32(iy * g.inWidth + ix) }
        }
      } }
      output[(p * oh + y) * ow + x] = best
      argmax[(p * oh + y) * ow + x] = bestIndex
    } } }
  }

  public static func maxPool2dScatter(
    _ g: Pool2DGeometry, outputGrad: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    let plane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
    inputGrad.initialize(repeating: 0, count: g.planes * plane)
    for p in 0..<g.planes { for o in 0..<outPlane {
      inputGrad[p * plane + Int(argmax[p * outPlane + o])] += outputGrad[p * outPlane + o]
    } }
  }

  public static func maxPool2dGather(
    _ g: Pool2DGeometry, input: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, output: UnsafeMutablePointer<Self>
  ) {
    let plane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
    for p in 0..<g.planes { for o in 0..<outPlane {
      output[p * outPlane + o] = input[p * plane + Int(argmax[p * outPlane + o])]
    } }
  }

  public static func avgPool2d(_ g: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    let scale = 1 / Self(g.kernelHeight * g.kernelWidth)
    for p in 0..<g.planes { for y in 0..<oh { for x in 0..<ow {
      var s: Self = 0
      for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth { s += input[(p * g.inHeight + iy) * g.inWidth + ix] }
      } }
      output[(p * oh + y) * ow + x] = s * scale
    } } }
  }

  public static func avgPool2dAdjoint(
    _ g: Pool2DGeometry, outputGrad: UnsafePointer<Self>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    let scale = 1 / Self(g.kernelHeight * g.kernelWidth)
    inputGrad.initialize(repeating: 0, count: g.planes * g.inHeight * g.inWidth)
    for p in 0..<g.planes { for y in 0..<oh { for x in 0..<ow {
      let go = outputGrad[(p * oh + y) * ow + x] * scale
      for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth {
        let iy = y * g.strideH - g.padH + i, ix = x * g.strideW - g.padW + j
        if iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth { inputGrad[(p * g.inHeight + iy) * g.inWidth + ix] += go }
      } }
    } } }
  }
}
