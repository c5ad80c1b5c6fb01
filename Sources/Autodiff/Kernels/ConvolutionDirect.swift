/// Direct 2-D convolution for batches of small images: each image's zero-padded phase planes (see
/// ``Im2colPlan``) are read in place by a gathering micro-kernel, one row of `B` per (channel, tap),
/// instead of being unfolded into an im2col matrix first.
///
/// - forward: `Y[o, q] = Σ_{c,t} W[o, c, t] · phases[c·S + tapOffsets[t] + q]` on the phase grid
///   (`S` values of phase planes per channel), then the real outputs are copied off the grid;
/// - input gradient, one phase block at a time (only the taps of its stride phase reach it):
///   `phases[c·S + r] = Σ_{t,o} W[o, c, t] · dY[o, r − tapOffsets[t]]` over the rows of the block
///   that hold input pixels, `dY` zero-padded on the phase grid; then the input is read back.
///
/// Images are split across the cores, each with its own scratch.
extension TensorScalar {
  /// ``TensorScalar/conv2d(_:input:weight:output:)`` computed directly.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func conv2dDirect(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, weight: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>
  ) {
    let plan = Im2colPlan.shared(g), mr = GEMMTile.rows, w = Vector.scalarCount
    let taps = g.kernelHeight * g.kernelWidth, channels = g.inChannels, o = g.outChannels, k = channels * taps
    let s = plan.scratchCount, cols = plan.columnsPerImage, width = (cols + w - 1) / w * w
    let plane = g.inHeight * g.inWidth, inImage = channels * plane, outImage = o * g.outHeight * g.outWidth
    guard g.batch > 0, outImage > 0 else { return }
    let oPanels = (o + mr - 1) / mr
    KernelScratch.with(Self.self, count: oPanels * mr * k) { packed in
      KernelScratch.with(Int.self, count: k) { offsets in
        for p in 0..<oPanels {
          packPanel(weight + p * mr * k, rStride: k, pStride: 1, valid: min(mr, o - p * mr), width: mr, kc: k,
                    into: packed + p * mr * k)
        }
        for c in 0..<channels {
          for t in 0..<taps { offsets[c * taps + t] = c * s + plan.tapOffsets[t] }
        }
        forEachImageRange(g.batch, macsPerImage: o * cols * k) { images, _ in
          // The last panel reads up to `width − cols` lanes past the last channel's planes.
          let phaseCount = channels * s + w
          KernelScratch.with(Self.self, count: phaseCount + o * width) { scratch in
            let phases = scratch, grid = scratch + phaseCount
            // The padding cells are never written below, so one fill keeps them zero.
            phases.initialize(repeating: 0, count: phaseCount)
            for n in images {
              for c in 0..<channels {
                scatterToPhases(plan, plane: input + n * inImage + c * plane, phases: phases + c * s)
              }
              gatherPanels(k, packed, phases, offsets, grid, width, rows: o, width: width, panelStride: mr * k)
              copyFromPhaseGrid(plan, grid: grid, ld: width, images: 1, output: output + n * outImage)
            }
          }
        }
      }
    }
  }

  /// ``TensorScalar/conv2dInputGrad(_:outputGrad:weight:inputGrad:)`` computed directly.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func conv2dInputGradDirect(
    _ g: Conv2DGeometry, outputGrad: UnsafePointer<Self>, weight: UnsafePointer<Self>,
    inputGrad: UnsafeMutablePointer<Self>
  ) {
    let plan = Im2colPlan.shared(g), mr = GEMMTile.rows, w = Vector.scalarCount
    let taps = g.kernelHeight * g.kernelWidth, channels = g.inChannels, o = g.outChannels, k = o * taps
    let s = plan.scratchCount, cols = plan.columnsPerImage, pw = plan.phaseWidth
    let (oh, ow) = (g.outHeight, g.outWidth)
    let plane = g.inHeight * g.inWidth, inImage = channels * plane, outImage = o * oh * ow
    guard g.batch > 0, inImage > 0 else { return }
    guard outImage > 0 else {
      inputGrad.initialize(repeating: 0, count: g.batch * inImage)
      return
    }
    let blocks = DirectConvolution.phaseBlocks(plan)
    // dY rows on the phase grid, `before` zeros ahead so every tap's shifted read stays inside.
    let before = plan.tapOffsets.max() ?? 0, ldy = before + s + w
    // Channel planes of the result, `w` apart so a panel's lanes past the end stay in its plane.
    let ldp = s + w
    let cPanels = (channels + mr - 1) / mr
    KernelScratch.with(Self.self, count: cPanels * mr * k + o * mr * taps) { packed in
      KernelScratch.with(Int.self, count: k) { offsets in
        // Per output channel and panel, W[oc, c, t] transposed to one `mr`-lane row per tap t
        // (the channels c of the panel); the rows are then laid out in the order of the steps.
        let byTap = packed + cPanels * mr * k
        for cp in 0..<cPanels {
          let first = cp * mr
          for oc in 0..<o {
            packPanel(weight + (oc * channels + first) * taps, rStride: taps, pStride: 1, valid: min(mr, channels - first),
                      width: mr, kc: taps, into: byTap + oc * mr * taps)
          }
          // Steps of k ordered block by block: (tap of the block, output channel).
          var step = 0
          for block in blocks {
            for t in block.taps {
              for oc in 0..<o {
                if cp == 0 { offsets[step] = oc * ldy + before - plan.tapOffsets[t] }
                (packed + (cp * mr * k + step * mr)).update(from: byTap + (oc * taps + t) * mr, count: mr)
                step += 1
              }
            }
          }
        }
        forEachImageRange(g.batch, macsPerImage: o * cols * channels * taps) { images, _ in
          KernelScratch.with(Self.self, count: o * ldy + channels * ldp) { scratch in
            let dy = scratch, phases = scratch + o * ldy
            // Junk columns and padding are never written below: they stay zero.
            dy.initialize(repeating: 0, count: o * ldy)
            for n in images {
              let src = outputGrad + n * outImage
              for oc in 0..<o {
                for y in 0..<oh {
                  let from = src + (oc * oh + y) * ow, to = dy + oc * ldy + before + y * pw
                  for x in 0..<ow { to[x] = from[x] }
                }
              }
              var first = 0
              for block in blocks {
                let steps = block.taps.count * o, rows = block.rows, width = (rows.count + w - 1) / w * w
                if !rows.isEmpty {
                  gatherPanels(steps, packed + first * mr, dy + rows.lowerBound, offsets + first,
                               phases + rows.lowerBound, ldp, rows: channels, width: width, panelStride: mr * k)
                }
                first += steps
              }
              for c in 0..<channels {
                gatherFromPhases(plan, phases: phases + c * ldp, plane: inputGrad + n * inImage + c * plane)
              }
            }
          }
        }
      }
    }
  }
}

/// When and how the direct convolutions run.
enum DirectConvolution {
  /// Direct beats im2col + GEMM when the cores get a few images each, an image's phase planes stay
  /// in L2, and the dimension the micro-kernel takes 12 at a time (`rows`: outputs for the forward
  /// pass, input channels for the input gradient) fills most of its panels. Small batches keep the
  /// im2col path, whose GEMM splits across the cores (and turns around for awkward row counts).
  static func isProfitable<Scalar: TensorScalar>(_ g: Conv2DGeometry, rows: Int, _: Scalar.Type) -> Bool {
    let ph = (g.inHeight + 2 * g.padH + g.strideH - 1) / g.strideH
    let pw = (g.inWidth + 2 * g.padW + g.strideW - 1) / g.strideW
    let planes = max(g.inChannels, g.outChannels) * g.strideH * g.strideW * ph * pw
    return (g.batch >= 8 || g.macs < GEMMParallel.threshold) && rows >= 8 && planes * MemoryLayout<Scalar>.stride <= 1 << 18
  }

  /// The phase blocks of a plan's scratch: the taps of each block's stride phase, and the range
  /// of its rows that hold input pixels (the rest is padding, never read back).
  static func phaseBlocks(_ plan: Im2colPlan) -> [(taps: [Int], rows: Range<Int>)] {
    let g = plan.g, (ph, pw) = (plan.phaseHeight, plan.phaseWidth)
    var blocks: [(taps: [Int], rows: Range<Int>)] = []
    for a in 0..<g.strideH {
      for b in 0..<g.strideW {
        // Tap (i, j) reads padded row y·sh + i·dh: phase a = i·dh mod sh (and b likewise).
        var taps: [Int] = []
        for i in 0..<g.kernelHeight where i * g.dilationH % g.strideH == a {
          for j in 0..<g.kernelWidth where j * g.dilationW % g.strideW == b { taps.append(i * g.kernelWidth + j) }
        }
        // Padded rows a, a + sh, … hold input rows when in [padH, padH + H).
        let first = (g.padH - a + g.strideH - 1) / g.strideH  // a < strideH: never negative
        let end = g.padH + g.inHeight - a > 0 ? min(ph, (g.padH + g.inHeight - 1 - a) / g.strideH + 1) : 0
        let start = (a * g.strideW + b) * ph * pw
        blocks.append((taps, end > first ? (start + first * pw)..<(start + end * pw) : start..<start))
      }
    }
    return blocks
  }
}
