/// The weight gradient of a convolution with many input channels and few outputs, without im2col.
///
/// A batch of cotangents stacked along the input channels (`E·C` channels, `E` in the hundreds)
/// makes the im2col matrix of ``TensorScalar/conv2dWeightGrad(_:input:outputGrad:weightGrad:)``
/// tens of megabytes, for a GEMM only `O` rows high. Here the input is instead laid out channels
/// last, one block of channels at a time (a block stays in L2): row `r` of the block holds position
/// `r` of the padded phase planes (see ``Im2colPlan``) for every channel of the block. Tap `t` of
/// output `(y, x)` reads row `tapOffsets[t] + y·Wq + x`, so for each tap
///
///     dW[o, c, t] = Σ_(y,x) dY[o, y, x] · block[tapOffsets[t] + y·Wq + x, c]
///
/// is a GEMM `O × (channels) × (H'·W')` whose right operand is the block itself, its rows picked
/// by the gathering micro-kernel: nothing is unfolded, and only `dY` (a few rows) is packed.
extension TensorScalar {
  /// `weightGrad` (overwritten) `= Σ_n input[n] ⋆ outputGrad[n]`, like
  /// ``TensorScalar/conv2dWeightGrad(_:input:outputGrad:weightGrad:)``, with the input channels
  /// taken as `groups` groups of `C / groups`: the result is `[groups, O, C / groups, kh, kw]`
  /// (`[O, C, kh, kw]` for one group). Blocks of channels are split across the cores.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func conv2dWeightGradWide(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, outputGrad: UnsafePointer<Self>,
    weightGrad: UnsafeMutablePointer<Self>, groups: Int = 1
  ) {
    precondition(g.isValid, "conv2dWeightGradWide: invalid geometry \(g)")
    precondition(groups > 0 && g.inChannels % groups == 0, "conv2dWeightGradWide: \(g.inChannels) channels in \(groups) groups")
    let plan = Im2colPlan.shared(g), mr = GEMMTile.rows
    let taps = g.kernelHeight * g.kernelWidth, o = g.outChannels, channels = g.inChannels
    let outputs = g.outHeight * g.outWidth, rows = plan.scratchCount
    guard o > 0, channels > 0 else { return }
    guard g.batch > 0, outputs > 0 else {
      weightGrad.initialize(repeating: 0, count: o * channels * taps)
      return
    }
    let block = WideWeightGradBlocking(Self.self, plan: plan)
    let blocks = (channels + block.channels - 1) / block.channels
    let oPanels = (o + mr - 1) / mr
    // Output (y, x) reads row y·Wq + x of a tap's rows.
    KernelScratch.with(Int.self, count: outputs) { offsets in
      for y in 0..<g.outHeight {
        for x in 0..<g.outWidth { offsets[y * g.outWidth + x] = (y * plan.phaseWidth + x) * block.channels }
      }
      Parallel.forEachChunk(blocks, costPerItem: g.batch * o * outputs * taps * block.channels,
                            threshold: GEMMParallel.threshold) { range in
        let scratchCount = rows * block.channels + oPanels * mr * outputs + taps * block.tileCount
        KernelScratch.with(Self.self, count: scratchCount) { scratch in
          let lanes = scratch, panels = lanes + rows * block.channels
          let tiles = panels + oPanels * mr * outputs
          for b in range {
            let c0 = b * block.channels, count = min(block.channels, channels - c0)
            // Padding cells and the lanes past `count` stay zero for every image.
            lanes.initialize(repeating: 0, count: rows * block.channels)
            for n in 0..<g.batch {
              scatterToChannelsLast(
                plan, input: input + (n * channels + c0) * g.inHeight * g.inWidth, channels: count,
                into: lanes, ld: block.channels)
              let dy = outputGrad + n * o * outputs
              for p in 0..<oPanels {
                packPanel(dy + p * mr * outputs, rStride: outputs, pStride: 1, valid: min(mr, o - p * mr), width: mr,
                          kc: outputs, into: panels + p * mr * outputs)
              }
              wideWeightGradBlock(
                g, plan: plan, panels: panels, lanes: lanes, ld: block.channels, offsets: offsets,
                channels: c0..<(c0 + count), tiles: tiles, weightGrad: weightGrad, groups: groups, accumulate: n > 0)
            }
          }
        }
      }
    }
  }

  /// One block of channels: for each micro-tile (`12` outputs × `2W` channels), every tap into
  /// `tiles`, then the `kh·kw` contiguous values of each (output, channel) written out.
  @inline(__always)
  static func wideWeightGradBlock(
    _ g: Conv2DGeometry, plan: Im2colPlan, panels: UnsafePointer<Self>, lanes: UnsafePointer<Self>, ld: Int,
    offsets: UnsafePointer<Int>, channels: Range<Int>, tiles: UnsafeMutablePointer<Self>,
    weightGrad: UnsafeMutablePointer<Self>, groups: Int, accumulate: Bool
  ) {
    let w = Vector.scalarCount, nr = 2 * w, mr = GEMMTile.rows, tileCount = mr * nr
    let o = g.outChannels, outputs = g.outHeight * g.outWidth, taps = g.kernelHeight * g.kernelWidth
    let perGroup = g.inChannels / groups
    var p = 0
    while p * mr < o {
      let rows = min(mr, o - p * mr), panel = panels + p * mr * outputs
      var j = 0
      while j < channels.count {
        let width = min(nr, channels.count - j)
        for t in 0..<taps {
          let b = lanes + plan.tapOffsets[t] * ld + j, tile = tiles + t * tileCount
          if width <= w {
            microKernel12x1Gather(outputs, panel, b, offsets, tile, nr, mr, 1, 0)
          } else {
            microKernel12x2Gather(outputs, panel, b, offsets, tile, nr, mr, 1, 0)
          }
        }
        // Channel c of group e, output o: the taps at ((e·O + o)·perGroup + c mod perGroup)·taps.
        for l in 0..<width {
          let (e, cg) = (channels.lowerBound + j + l).quotientAndRemainder(dividingBy: perGroup)
          let base = weightGrad + ((e * o + p * mr) * perGroup + cg) * taps
          for r in 0..<rows {
            let dst = base + r * perGroup * taps, src = tiles + r * nr + l
            if accumulate {
              for t in 0..<taps { dst[t] += src[t &* tileCount] }
            } else {
              for t in 0..<taps { dst[t] = src[t &* tileCount] }
            }
          }
        }
        j += nr
      }
      p += 1
    }
  }

  /// Copies `channels` input planes into the interior of their phase planes, channels last:
  /// element `(c, y, x)` goes to column `c` of `lanes` (row stride `ld`), in the row where
  /// ``scatterToPhases(_:plane:phases:)`` puts `(y, x)`.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func scatterToChannelsLast(
    _ plan: Im2colPlan, input: UnsafePointer<Self>, channels: Int, into lanes: UnsafeMutablePointer<Self>, ld: Int
  ) {
    let g = plan.g, plane = g.inHeight * g.inWidth, phaseSize = plan.phaseHeight * plan.phaseWidth
    // Destination row of every input position, once.
    KernelScratch.with(Int.self, count: plane) { target in
      for y in 0..<g.inHeight {
        let rowStart = plan.rowOffsets[y]
        for b in 0..<g.strideW {
          var (x, xq) = plan.columnStarts[b]
          while x < g.inWidth {
            target[y * g.inWidth + x] = (rowStart + b * phaseSize + xq) * ld
            x += g.strideW
            xq += 1
          }
        }
      }
      // Four channels at a time: four read streams, one cache line written per position.
      var c = 0
      while c + 4 <= channels {
        let s0 = input + c * plane, s1 = s0 + plane, s2 = s1 + plane, s3 = s2 + plane
        let d = lanes + c
        for i in 0..<plane {
          let row = d + target[i]
          row[0] = s0[i]; row[1] = s1[i]; row[2] = s2[i]; row[3] = s3[i]
        }
        c += 4
      }
      while c < channels {
        let s = input + c * plane, d = lanes + c
        for i in 0..<plane { d[target[i]] = s[i] }
        c += 1
      }
    }
  }
}

/// How many channels ``TensorScalar/conv2dWeightGradWide(_:input:outputGrad:weightGrad:groups:)``
/// lays out at a time: whole micro-kernel panels, about 2^16 values (in L2), in a multiple of the
/// core count of blocks.
struct WideWeightGradBlocking {
  let channels: Int
  let tileCount: Int

  init<Scalar: TensorScalar>(_: Scalar.Type, plan: Im2colPlan) {
    let nr = 2 * Scalar.Vector.scalarCount
    let panels = (plan.g.inChannels + nr - 1) / nr
    let most = max(1, (1 << 16) / max(plan.scratchCount, 1) / nr)
    let cores = Parallel.coreCount
    let blocks = min(panels, ((panels + most - 1) / most + cores - 1) / cores * cores)
    channels = (panels + blocks - 1) / blocks * nr
    tileCount = GEMMTile.rows * nr
  }

  /// Whether the wide path beats im2col: many input channels for few outputs (the im2col matrix
  /// is then large and its GEMM thin).
  static func isProfitable(_ g: Conv2DGeometry) -> Bool {
    g.inChannels >= 64 && g.outChannels <= 4 * GEMMTile.rows && g.inChannels >= 4 * g.outChannels
  }
}
