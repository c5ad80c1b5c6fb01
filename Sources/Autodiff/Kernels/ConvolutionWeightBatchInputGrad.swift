/// The input gradient of one image's convolution for a batch of `E` weights at once: what the
/// `J·δ` pass needs, where each of `E` perturbations δ carries its own weights.
///
/// Stacking the weights along the input channels (``Tensor/conv2dInputGrad(_:weight:inputSize:window:)``'s
/// general route) makes a GEMM only `O` deep whose result, the column matrix of `E·C` channels, is
/// `kh·kw` times larger than the gradient and must then be folded back (col2im). Here the output
/// gradient is unfolded once instead, `U[(o, i, j), (y, x)] = dY[o, (y + p − i·d)/s, (x + p − j·d)/s]`
/// (zero where that is off the grid or not a whole number), and for every input channel `c`
///
///     dX[e, c, y, x] = Σ_(o,i,j) W[e, o, c, i, j] · U[(o, i, j), (y, x)]
///
/// is one GEMM `E × (O·kh·kw) × (H·W)` writing its channel of the result in place.
extension TensorScalar {
  /// `inputGrad` `[E, C, H, W]` (overwritten) from `outputGrad` `[O, H', W']` (the geometry's one
  /// image) and `weights` `[E, O, C, kh, kw]`.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func conv2dInputGradForWeightBatch(
    _ g: Conv2DGeometry, weightCount e: Int, outputGrad: UnsafePointer<Self>, weights: UnsafePointer<Self>,
    inputGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid && g.batch == 1 && e >= 0, "conv2dInputGradForWeightBatch: invalid geometry \(g) for \(e) weights")
    let o = g.outChannels, c = g.inChannels, taps = g.kernelHeight * g.kernelWidth
    let (h, w, oh, ow) = (g.inHeight, g.inWidth, g.outHeight, g.outWidth)
    let plane = h * w, depth = o * taps
    guard e > 0, c > 0, plane > 0 else { return }
    guard depth > 0, oh * ow > 0 else {
      inputGrad.initialize(repeating: 0, count: e * c * plane)
      return
    }
    KernelScratch.with(Self.self, count: depth * plane + e * depth * c) { scratch in
      let unfolded = scratch, perChannel = scratch + depth * plane
      // U, one row per (o, i, j).
      Parallel.forEachChunk(depth, costPerItem: plane) { rows in
        for row in rows {
          let (channel, tap) = row.quotientAndRemainder(dividingBy: taps)
          let (i, j) = tap.quotientAndRemainder(dividingBy: g.kernelWidth)
          let source = outputGrad + channel * oh * ow, target = unfolded + row * plane
          for y in 0..<h {
            let ty = y + g.padH - i * g.dilationH, line = target + y * w
            guard ty >= 0, ty % g.strideH == 0, ty / g.strideH < oh else {
              line.initialize(repeating: 0, count: w)
              continue
            }
            let sourceLine = source + (ty / g.strideH) * ow
            for x in 0..<w {
              let tx = x + g.padW - j * g.dilationW
              line[x] = tx >= 0 && tx % g.strideW == 0 && tx / g.strideW < ow ? sourceLine[tx / g.strideW] : 0
            }
          }
        }
      }
      // W regrouped per input channel: [C, E, O, kh, kw].
      Parallel.forEachChunk(e, costPerItem: depth * c) { range in
        for k in range {
          for channel in 0..<o {
            for ci in 0..<c {
              (perChannel + (ci * e + k) * depth + channel * taps)
                .update(from: weights + ((k * o + channel) * c + ci) * taps, count: taps)
            }
          }
        }
      }
      gemmBatched(
        batch: c, transposeA: false, transposeB: false, m: e, n: plane, k: depth,
        alpha: 1, a: perChannel, lda: depth, strideA: e * depth,
        b: unfolded, ldb: plane, strideB: 0,
        beta: 0, c: inputGrad, ldc: c * plane, strideC: plane)
    }
  }
}
