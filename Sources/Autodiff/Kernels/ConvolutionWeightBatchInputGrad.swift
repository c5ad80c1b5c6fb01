/// The input gradient of one image's convolution for a batch of `E` weights at once: what the
/// `J·δ` pass needs, where each of `E` perturbations δ carries its own weights.
///
/// Stacking the weights along the input channels (``Tensor/conv2dInputGrad(_:weight:inputSize:window:)``'s
/// general route) makes a GEMM only `O` deep whose result, the column matrix of `E·C` channels, is
/// `kh·kw` times larger than the gradient and must then be folded back (col2im). Here the output
/// gradient is unfolded instead. Input positions are split by phase `(y mod s_h, x mod s_w)`: in a
/// phase every position is reached by the same taps `T` (those with `y + p − i·d ≡ 0 mod s`), so
/// with `U[(o, i, j), (y, x)] = dY[o, (y + p_h − i·d_h)/s_h, (x + p_w − j·d_w)/s_w]` (zero off the
/// grid), for every input channel `c`
///
///     dX[e, c, y, x] = Σ_(o, (i,j) ∈ T) W[e, o, c, i, j] · U[(o, i, j), (y, x)]
///
/// is one GEMM `E × (O·|T|) × (positions)`: no multiply by a structural zero, nothing folded.
/// Profitable from about ``minimumWeightCount`` weights; for fewer, the GEMM is too thin.
enum WeightBatchInputGrad {
  /// Below this many weights (one micro-tile of the GEMM) the stacked route is as fast or faster,
  /// measured on convnet5's layers and a 64-channel 3×3 layer.
  static let minimumWeightCount = 12

  /// The input positions of one phase and the taps that reach them.
  struct Phase {
    let y0: Int, x0: Int, rows: Int, columns: Int
    /// `(i, j, oy, ox)`: tap `(i, j)` reads output `(ty + oy, tx + ox)` at phase position `(ty, tx)`.
    let taps: [(i: Int, j: Int, oy: Int, ox: Int)]
    var positions: Int { rows * columns }
  }

  /// The stride phases of `g`'s input, `s_h·s_w` of them (fewer for an input smaller than the
  /// stride), each with the taps that reach it.
  static func phases(_ g: Conv2DGeometry) -> [Phase] {
    func offsets(_ start: Int, pad: Int, dilation: Int, stride: Int, kernel: Int) -> [(tap: Int, shift: Int)] {
      (0..<kernel).compactMap { i in
        let t = start + pad - i * dilation
        return t % stride == 0 ? (i, t / stride) : nil
      }
    }
    var out: [Phase] = []
    for y0 in 0..<min(g.strideH, g.inHeight) {
      let ys = offsets(y0, pad: g.padH, dilation: g.dilationH, stride: g.strideH, kernel: g.kernelHeight)
      for x0 in 0..<min(g.strideW, g.inWidth) {
        let xs = offsets(x0, pad: g.padW, dilation: g.dilationW, stride: g.strideW, kernel: g.kernelWidth)
        out.append(Phase(
          y0: y0, x0: x0, rows: (g.inHeight - y0 + g.strideH - 1) / g.strideH,
          columns: (g.inWidth - x0 + g.strideW - 1) / g.strideW,
          taps: ys.flatMap { y in xs.map { x in (y.tap, x.tap, y.shift, x.shift) } }))
      }
    }
    return out
  }
}

extension TensorScalar {
  /// `inputGrad` `[E, C, H, W]` (overwritten) from `outputGrad` `[O, H', W']` (the geometry's one
  /// image) and `weights` `[E, O, C, kh, kw]`. One item of work per (phase, channel), split across
  /// the cores.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func conv2dInputGradForWeightBatch(
    _ g: Conv2DGeometry, weightCount e: Int, outputGrad: UnsafePointer<Self>, weights: UnsafePointer<Self>,
    inputGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid && g.batch == 1 && e >= 0, "conv2dInputGradForWeightBatch: invalid geometry \(g) for \(e) weights")
    let o = g.outChannels, c = g.inChannels, taps = g.kernelHeight * g.kernelWidth
    let (h, w, oh, ow) = (g.inHeight, g.inWidth, g.outHeight, g.outWidth)
    let plane = h * w
    guard e > 0, c > 0, plane > 0 else { return }
    let phases = WeightBatchInputGrad.phases(g).filter { $0.positions > 0 }
    let depth = phases.map { o * $0.taps.count }.max() ?? 0, positions = phases.map(\.positions).max() ?? 0
    guard depth > 0, oh * ow > 0 else {
      inputGrad.initialize(repeating: 0, count: e * c * plane)
      return
    }
    // Phases whose taps are all out of reach get zeros.
    for phase in phases where phase.taps.isEmpty {
      for k in 0..<e * c {
        for ty in 0..<phase.rows {
          for tx in 0..<phase.columns {
            inputGrad[k * plane + (phase.y0 + ty * g.strideH) * w + phase.x0 + tx * g.strideW] = 0
          }
        }
      }
    }
    // The weights regrouped once, per (channel, phase): [E, (o, t)] for the phase's taps t.
    var offsets = [Int](), offset = 0
    for phase in phases {
      offsets.append(offset)
      offset += e * o * phase.taps.count
    }
    let perChannel = offset
    let work = phases.enumerated().filter { !$0.element.taps.isEmpty }.flatMap { p in (0..<c).map { (p.offset, $0) } }
    KernelScratch.with(Self.self, count: c * perChannel) { regrouped in
      Parallel.forEachChunk(e, costPerItem: o * c * taps) { range in
        for k0 in range {
          for oc in 0..<o {
            for channel in 0..<c {
              let from = weights + ((k0 * o + oc) * c + channel) * taps
              for (p, phase) in phases.enumerated() {
                let count = phase.taps.count
                let to = regrouped + channel * perChannel + offsets[p] + (k0 * o + oc) * count
                for (t, tap) in phase.taps.enumerated() { to[t] = from[tap.i * g.kernelWidth + tap.j] }
              }
            }
          }
        }
      }
      Parallel.forEachChunk(work.count, costPerItem: e * depth * positions) { range in
        KernelScratch.with(Self.self, count: depth * positions + e * positions) { scratch in
          let unfolded = scratch, result = scratch + depth * positions
          var unfoldedPhase = -1
          for item in range {
            let (p, channel) = work[item], phase = phases[p], n = phase.positions, k = o * phase.taps.count
            if unfoldedPhase != p {
              // U for this phase: row (o, t), column (ty, tx).
              for oc in 0..<o {
                let source = outputGrad + oc * oh * ow
                for (t, tap) in phase.taps.enumerated() {
                  let row = unfolded + (oc * phase.taps.count + t) * n
                  for ty in 0..<phase.rows {
                    let sy = ty + tap.oy, line = row + ty * phase.columns
                    guard sy >= 0, sy < oh else {
                      line.initialize(repeating: 0, count: phase.columns)
                      continue
                    }
                    for tx in 0..<phase.columns {
                      let sx = tx + tap.ox
                      line[tx] = sx >= 0 && sx < ow ? source[sy * ow + sx] : 0
                    }
                  }
                }
              }
              unfoldedPhase = p
            }
            let packed = regrouped + channel * perChannel + offsets[p]
            let whole = phase.rows == h && phase.columns == w
            let target = whole ? inputGrad + channel * plane : result
            gemmPacked(
              m: e, n: n, k: k, alpha: 1, a: MatrixView(packed, ld: k, transposed: false),
              b: MatrixView(unfolded, ld: n, transposed: false), beta: 0,
              c: MutableMatrixView(target, rowStride: whole ? c * plane : n, columnStride: 1))
            guard !whole else { continue }
            for k0 in 0..<e {
              let base = inputGrad + (k0 * c + channel) * plane + phase.y0 * w + phase.x0, row = result + k0 * n
              for ty in 0..<phase.rows {
                for tx in 0..<phase.columns { base[ty * g.strideH * w + tx * g.strideW] = row[ty * phase.columns + tx] }
              }
            }
          }
        }
      }
    }
  }
}
