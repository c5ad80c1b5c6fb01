/// 2-D convolution as im2col + GEMM (see ``Im2colPlan`` for the unfolded layout).
///
/// Images go through in chunks whose unfolded columns stay in L2, one GEMM per chunk, so the GEMM
/// sees `n = images · H'W'` rather than a thin `H'W'`; batches are split across the cores by image,
/// each core with its own scratch. Per chunk:
/// - forward: `Y = W · col`, then the real outputs are copied off the phase grid;
/// - input gradient: `colGrad = Wᵀ · dY` (dY spread onto the phase grid, zeros in the junk
///   columns), then `col2im`;
/// - weight gradient: `dW += dY · colᵀ`, per-core partial sums added at the end; for a single
///   image, one GEMM on its windows as rows (``TensorScalar/im2row(_:input:rows:ld:scratch:)``).
///
/// Two shapes go elsewhere: batches of small images to the direct kernels (`ConvolutionDirect.swift`,
/// no unfolding at all), and weight gradients with many input channels for few outputs (a batch
/// of cotangents stacked along the channels) to the channels-last kernel
/// (`ConvolutionWideWeightGrad.swift`), whose im2col matrix would be tens of megabytes.
extension TensorScalar {
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func conv2d(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, weight: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "conv2d: invalid geometry \(g)")
    let plan = Im2colPlan.shared(g)
    let k = plan.rows, cols = plan.columnsPerImage, o = g.outChannels
    let inImage = g.inChannels * g.inHeight * g.inWidth, outImage = o * g.outHeight * g.outWidth
    guard g.batch > 0, outImage > 0 else { return }
    if DirectConvolution.isProfitable(g, rows: o, Self.self) {
      conv2dDirect(g, input: input, weight: weight, output: output)
      return
    }
    let per = convChunkImages(plan)
    forEachImageRange(g.batch, macsPerImage: o * cols * k) { images, whole in
      KernelScratch.with(Self.self, count: (k + o) * per * cols + plan.scratchCount) { scratch in
        let col = scratch, product = col + k * per * cols, planes = product + o * per * cols
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: per) {
          let count = min(per, images.upperBound - n0), ld = count * cols
          im2col(plan, input: input + n0 * inImage, images: count, col: col, ld: ld, scratch: planes)
          // One image without junk columns goes straight into the output.
          let direct = count == 1 && plan.isDense
          gemmDispatch(
            m: o, n: ld, k: k, alpha: 1, a: MatrixView(weight, ld: k, transposed: false),
            b: MatrixView(col, ld: ld, transposed: false), beta: 0,
            c: MutableMatrixView(direct ? output + n0 * outImage : product, rowStride: ld, columnStride: 1),
            parallel: whole)
          if !direct {
            copyFromPhaseGrid(plan, grid: product, ld: ld, images: count, output: output + n0 * outImage)
          }
        }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func conv2dInputGrad(
    _ g: Conv2DGeometry, outputGrad: UnsafePointer<Self>, weight: UnsafePointer<Self>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "conv2dInputGrad: invalid geometry \(g)")
    let plan = Im2colPlan.shared(g)
    let k = plan.rows, cols = plan.columnsPerImage, o = g.outChannels
    let inImage = g.inChannels * g.inHeight * g.inWidth, outImage = o * g.outHeight * g.outWidth
    guard g.batch > 0, inImage > 0 else { return }
    guard outImage > 0, k > 0 else {
      inputGrad.initialize(repeating: 0, count: g.batch * inImage)
      return
    }
    if DirectConvolution.isProfitable(g, rows: g.inChannels, Self.self) {
      conv2dInputGradDirect(g, outputGrad: outputGrad, weight: weight, inputGrad: inputGrad)
      return
    }
    let per = convChunkImages(plan)
    forEachImageRange(g.batch, macsPerImage: o * cols * k) { images, whole in
      KernelScratch.with(Self.self, count: (k + o) * per * cols + plan.scratchCount) { scratch in
        let colGrad = scratch, spread = colGrad + k * per * cols, planes = spread + o * per * cols
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: per) {
          let count = min(per, images.upperBound - n0), ld = count * cols
          let dy = outputGradOnPhaseGrid(plan, outputGrad + n0 * outImage, images: count, into: spread, ld: ld)
          gemmDispatch(
            m: k, n: ld, k: o, alpha: 1, a: MatrixView(weight, ld: k, transposed: true),
            b: MatrixView(dy, ld: ld, transposed: false), beta: 0,
            c: MutableMatrixView(colGrad, rowStride: ld, columnStride: 1), parallel: whole)
          col2im(plan, col: colGrad, ld: ld, images: count, inputGrad: inputGrad + n0 * inImage, scratch: planes)
        }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func conv2dWeightGrad(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, outputGrad: UnsafePointer<Self>, weightGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "conv2dWeightGrad: invalid geometry \(g)")
    let plan = Im2colPlan.shared(g)
    let k = plan.rows, cols = plan.columnsPerImage, o = g.outChannels
    let inImage = g.inChannels * g.inHeight * g.inWidth, outImage = o * g.outHeight * g.outWidth
    guard o > 0, k > 0 else { return }
    guard g.batch > 0, outImage > 0 else {
      weightGrad.initialize(repeating: 0, count: o * k)
      return
    }
    if WideWeightGradBlocking.isProfitable(g) {
      conv2dWeightGradWide(g, input: input, outputGrad: outputGrad, weightGrad: weightGrad)
      return
    }
    if g.batch == 1 {
      // One image (often against a batch of gradients stacked into O): dY is already the GEMM's
      // left operand, and the windows as rows are its right one.
      let outputs = g.outHeight * g.outWidth
      let ld = k + im2rowSlack
      KernelScratch.with(Self.self, count: outputs * ld + im2rowScratchCount(g)) { scratch in
        im2row(g, input: input, rows: scratch, ld: ld, scratch: scratch + outputs * ld)
        gemmDispatch(
          m: o, n: k, k: outputs, alpha: 1, a: MatrixView(outputGrad, ld: outputs, transposed: false),
          b: MatrixView(scratch, ld: ld, transposed: false), beta: 0,
          c: MutableMatrixView(weightGrad, rowStride: k, columnStride: 1), parallel: true)
      }
      return
    }
    let per = convChunkImages(plan)
    let parts = imageParts(g.batch, macsPerImage: o * cols * k)
    // Part 0 accumulates into weightGrad, the others into their own partial sums, added at the end.
    KernelScratch.with(Self.self, count: (parts - 1) * o * k) { partials in
      Parallel.forEachChunk(parts, threshold: 0) { range in
        for part in range {
          let images = g.batch * part / parts..<g.batch * (part + 1) / parts
          let target = part == 0 ? weightGrad : partials + (part - 1) * o * k
          KernelScratch.with(Self.self, count: (k + o) * per * cols + plan.scratchCount) { scratch in
            let col = scratch, spread = col + k * per * cols, planes = spread + o * per * cols
            for n0 in stride(from: images.lowerBound, to: images.upperBound, by: per) {
              let count = min(per, images.upperBound - n0), ld = count * cols
              im2col(plan, input: input + n0 * inImage, images: count, col: col, ld: ld, scratch: planes)
              let dy = outputGradOnPhaseGrid(plan, outputGrad + n0 * outImage, images: count, into: spread, ld: ld)
              // target (O × k) += dy (O × ld) · colᵀ (ld × k); the zeros of dy cancel the junk columns.
              gemmDispatch(
                m: o, n: k, k: ld, alpha: 1, a: MatrixView(dy, ld: ld, transposed: false),
                b: MatrixView(col, ld: ld, transposed: true), beta: n0 == images.lowerBound ? 0 : 1,
                c: MutableMatrixView(target, rowStride: k, columnStride: 1), parallel: parts == 1)
            }
          }
        }
      }
      for p in 0..<(parts - 1) {
        let partial = partials + p * o * k
        for i in 0..<(o * k) { weightGrad[i] += partial[i] }
      }
    }
  }
}

/// Images per chunk: enough that the chunk's GEMM is wide, few enough that its unfolded input
/// (about 2^16 values) stays in L2.
func convChunkImages(_ plan: Im2colPlan) -> Int {
  let perImage = max(1, plan.rows * plan.columnsPerImage)
  return max(1, min(plan.g.batch, (1 << 16) / perImage))
}

/// How many cores to spread `count` images over: one unless the work repays a hand-off.
func imageParts(_ count: Int, macsPerImage: Int) -> Int {
  let total = count.multipliedReportingOverflow(by: macsPerImage).partialValue
  return Parallel.coreCount > 1 && count > 1 && total >= GEMMParallel.threshold ? min(Parallel.coreCount, count) : 1
}

/// Calls `body(images, whole)` on contiguous ranges of `0..<count`, one per core when worth it;
/// `whole` is true when a single range covers everything (the body may then go parallel itself).
func forEachImageRange(_ count: Int, macsPerImage: Int, _ body: (Range<Int>, Bool) -> Void) {
  let parts = imageParts(count, macsPerImage: macsPerImage)
  if parts == 1 {
    body(0..<count, true)
    return
  }
  Parallel.forEachChunk(parts, threshold: 0) { range in
    for part in range { body(count * part / parts..<count * (part + 1) / parts, false) }
  }
}

extension Conv2DGeometry {
  /// Positive sizes, strides and dilations, non-negative padding, and a (dilated) kernel that fits
  /// the padded input.
  var isValid: Bool {
    batch >= 0 && inChannels >= 0 && outChannels >= 0 && inHeight > 0 && inWidth > 0
      && kernelHeight > 0 && kernelWidth > 0 && strideH > 0 && strideW > 0 && padH >= 0 && padW >= 0
      && dilationH > 0 && dilationW > 0
      && inHeight + 2 * padH >= spanHeight && inWidth + 2 * padW >= spanWidth
  }
}
