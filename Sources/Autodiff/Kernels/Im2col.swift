import Foundation

/// The unfolded ("im2col") form of a convolution's input, arranged so that unfolding is a handful
/// of contiguous copies rather than one gather per element.
///
/// Each input plane is zero-padded and split by stride phase: phase `(a, b)` holds padded rows
/// `a, a + sh, a + 2sh, …` and columns `b, b + sw, …` (a stride-1 convolution has one phase, the
/// padded plane). Tap `(i, j)` of output `(y, x)` reads padded row `y·sh + i·dh` and column
/// `x·sw + j·dw` (`dh`, `dw`: the dilation), that is phase `(i·dh mod sh, j·dw mod sw)` at row
/// `y + i·dh / sh`, column `x + j·dw / sw`: for a fixed tap, outputs laid out on the phase grid
/// (`q = y·Wq + x`) read one contiguous run of the phase plane.
///
/// So the unfolded matrix has one row per tap `(c, i, j)` and, per image, ``columnsPerImage``
/// columns `q = y·Wq + x` with `x < Wq`; columns with `x ≥ W'` are junk (they read whatever follows
/// in the plane). Forward passes drop them; adjoints make them harmless by zeroing the matching
/// output gradients. The waste is `Wq / W'` (9/7 for a 5×5 stride-2 layer on 14×14).
struct Im2colPlan: Sendable {
  let g: Conv2DGeometry
  /// Extents of one phase plane.
  let phaseHeight: Int
  let phaseWidth: Int
  /// Where tap `(i, j)`'s run starts in a channel's block of phase planes: `tapOffsets[i·kw + j]`.
  let tapOffsets: [Int]
  /// Where input row `y` lands: the start of its row in phase `(a, 0)` (add `b·Hq·Wq` for phase
  /// `(a, b)`).
  let rowOffsets: [Int]
  /// For each column phase `b`: the first input column in it and that column's index in the phase.
  let columnStarts: [(x: Int, xq: Int)]

  init(_ g: Conv2DGeometry) {
    self.g = g
    let ph = (g.inHeight + 2 * g.padH + g.strideH - 1) / g.strideH
    let pw = (g.inWidth + 2 * g.padW + g.strideW - 1) / g.strideW
    phaseHeight = ph
    phaseWidth = pw
    var offsets: [Int] = []
    offsets.reserveCapacity(g.kernelHeight * g.kernelWidth)
    for i in 0..<g.kernelHeight {
      for j in 0..<g.kernelWidth {
        let (di, dj) = (i * g.dilationH, j * g.dilationW)
        let phase = (di % g.strideH) * g.strideW + dj % g.strideW
        offsets.append(phase * ph * pw + (di / g.strideH) * pw + dj / g.strideW)
      }
    }
    tapOffsets = offsets
    rowOffsets = (0..<g.inHeight).map { y in
      let py = y + g.padH
      return ((py % g.strideH) * g.strideW * ph + py / g.strideH) * pw
    }
    columnStarts = (0..<g.strideW).map { b in
      let x = ((b - g.padW) % g.strideW + g.strideW) % g.strideW
      return (x, (x + g.padW) / g.strideW)
    }
  }

  /// The plan of `g`, built once per geometry and then shared: a compiled pass replays the same
  /// few convolutions thousands of times, and building the offset tables anew cost about 4% of a
  /// small network's gradient.
  static func shared(_ g: Conv2DGeometry) -> Im2colPlan { Im2colPlanCache.shared.plan(g) }

  /// Rows of the unfolded matrix: `C·kh·kw`.
  var rows: Int { g.inChannels * g.kernelHeight * g.kernelWidth }
  /// Columns per image: the phase-grid positions up to the last real output.
  var columnsPerImage: Int { (g.outHeight - 1) * phaseWidth + g.outWidth }
  /// Values in one channel's block of phase planes (the scratch the unfolding needs).
  var scratchCount: Int { g.strideH * g.strideW * phaseHeight * phaseWidth }
  /// Whether the unfolded columns are exactly the outputs (no junk columns).
  var isDense: Bool { phaseWidth == g.outWidth }
}

extension TensorScalar {
  /// Fills `col` (rows of stride `ld`) from `images` consecutive images starting at `input`.
  /// `scratch` holds ``Im2colPlan/scratchCount`` values.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func im2col(
    _ plan: Im2colPlan, input: UnsafePointer<Self>, images: Int, col: UnsafeMutablePointer<Self>, ld: Int,
    scratch: UnsafeMutablePointer<Self>
  ) {
    let g = plan.g, taps = g.kernelHeight * g.kernelWidth
    let plane = g.inHeight * g.inWidth, perImage = plan.columnsPerImage
    // The padding cells are never written below, so one fill keeps them zero.
    zero(scratch, plan.scratchCount)
    for n in 0..<images {
      for c in 0..<g.inChannels {
        scatterToPhases(plan, plane: input + (n * g.inChannels + c) * plane, phases: scratch)
        for t in 0..<taps {
          copyElements(from: scratch + plan.tapOffsets[t], to: col + (c * taps + t) * ld + n * perImage, count: perImage)
        }
      }
    }
  }

  /// The unfolding of one image transposed, one row per output: row `y·W' + x` of `rows` (stride
  /// `ld ≥ C·kh·kw + ` ``im2rowSlack``) holds the window of output `(y, x)`, input
  /// `(c, y·sh + i·dh − padH, x·sw + j·dw − padW)` (or 0) in column `(c, i, j)`; the last
  /// ``im2rowSlack`` values of a row are overwritten with junk.
  ///
  /// A window row is a contiguous run of the zero-padded plane (for dilation 1): kernels up to 8
  /// wide move each in one 4- or 8-lane copy, whose extra lanes the next kernel row (or channel,
  /// or the slack) overwrites. As the right operand of a weight gradient's GEMM (`dW = dY · rows`)
  /// it is read in place, where the unfolding by taps needed a transposing copy. `scratch` holds
  /// ``im2rowScratchCount(_:)`` values.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func im2row(
    _ g: Conv2DGeometry, input: UnsafePointer<Self>, rows: UnsafeMutablePointer<Self>, ld: Int,
    scratch: UnsafeMutablePointer<Self>
  ) {
    let (kh, kw, oh, ow) = (g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth), taps = kh * kw
    let (sh, sw, dh, dw) = (g.strideH, g.strideW, g.dilationH, g.dilationW)
    let pw = g.inWidth + 2 * g.padW, plane = g.inHeight * g.inWidth
    let wide = dw == 1 && kw <= im2rowSlack
    // The border is never written below, so one fill keeps it zero.
    zero(scratch, im2rowScratchCount(g))
    for c in 0..<g.inChannels {
      for y in 0..<g.inHeight {
        copyElements(from: input + c * plane + y * g.inWidth, to: scratch + (y + g.padH) * pw + g.padW, count: g.inWidth)
      }
      for y in 0..<oh {
        for i in 0..<kh {
          // Along the output row: the window moves `sw` in the plane, the row `ld` in `rows`.
          var src = UnsafePointer(scratch + (y * sh + i * dh) * pw), dst = rows + y * ow * ld + c * taps + i * kw
          for _ in 0..<ow {
            if wide && kw <= 4 {
              copyVector(SIMD4<Self>.self, src, dst)
            } else if wide {
              copyVector(SIMD8<Self>.self, src, dst)
            } else {
              for j in 0..<kw { dst[j] = src[j * dw] }
            }
            src += sw
            dst += ld
          }
        }
      }
    }
  }

  /// Values past the `C·kh·kw` window values a row of ``im2row(_:input:rows:ld:scratch:)`` needs.
  static var im2rowSlack: Int { 8 }

  /// Values of scratch ``im2row(_:input:rows:ld:scratch:)`` needs: one zero-padded input plane,
  /// and room for the last 8-lane copy to read past it.
  static func im2rowScratchCount(_ g: Conv2DGeometry) -> Int {
    (g.inHeight + 2 * g.padH) * (g.inWidth + 2 * g.padW) + im2rowSlack
  }

  /// The adjoint of ``im2col(_:input:images:col:ld:scratch:)``: sums every entry of `col` into the
  /// input element it was copied from. `inputGrad` (the chunk's images) is overwritten. Junk
  /// columns of `col` must be zero.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func col2im(
    _ plan: Im2colPlan, col: UnsafePointer<Self>, ld: Int, images: Int, inputGrad: UnsafeMutablePointer<Self>,
    scratch: UnsafeMutablePointer<Self>
  ) {
    let g = plan.g, taps = g.kernelHeight * g.kernelWidth
    let plane = g.inHeight * g.inWidth, perImage = plan.columnsPerImage
    for n in 0..<images {
      for c in 0..<g.inChannels {
        zero(scratch, plan.scratchCount)
        for t in 0..<taps {
          let sums = scratch + plan.tapOffsets[t], src = col + (c * taps + t) * ld + n * perImage
          for q in 0..<perImage { sums[q] += src[q] }
        }
        gatherFromPhases(plan, phases: scratch, plane: inputGrad + (n * g.inChannels + c) * plane)
      }
    }
  }

  /// Copies one input plane into the interior of its phase planes.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func scatterToPhases(_ plan: Im2colPlan, plane: UnsafePointer<Self>, phases: UnsafeMutablePointer<Self>) {
    let g = plan.g, ph = plan.phaseHeight, pw = plan.phaseWidth
    if g.strideH == 1 && g.strideW == 1 {
      for y in 0..<g.inHeight {
        copyElements(from: plane + y * g.inWidth, to: phases + (y + g.padH) * pw + g.padW, count: g.inWidth)
      }
      return
    }
    let phaseSize = ph * pw
    for y in 0..<g.inHeight {
      let row = plane + y * g.inWidth, rowStart = phases + plan.rowOffsets[y]
      for b in 0..<g.strideW {
        // Input columns x ≡ b − padW (mod sw) go to consecutive columns of phase b.
        var (x, xq) = plan.columnStarts[b]
        let dst = rowStart + b * phaseSize
        while x < g.inWidth {
          dst[xq] = row[x]
          x += g.strideW
          xq += 1
        }
      }
    }
  }

  /// The inverse of ``scatterToPhases(_:plane:phases:)`` on the interior: reads the plane back.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func gatherFromPhases(_ plan: Im2colPlan, phases: UnsafePointer<Self>, plane: UnsafeMutablePointer<Self>) {
    let g = plan.g, ph = plan.phaseHeight, pw = plan.phaseWidth
    if g.strideH == 1 && g.strideW == 1 {
      for y in 0..<g.inHeight {
        copyElements(from: phases + (y + g.padH) * pw + g.padW, to: plane + y * g.inWidth, count: g.inWidth)
      }
      return
    }
    let phaseSize = ph * pw
    for y in 0..<g.inHeight {
      let row = plane + y * g.inWidth, rowStart = phases + plan.rowOffsets[y]
      for b in 0..<g.strideW {
        var (x, xq) = plan.columnStarts[b]
        let src = rowStart + b * phaseSize
        while x < g.inWidth {
          row[x] = src[xq]
          x += g.strideW
          xq += 1
        }
      }
    }
  }

  /// Copies the real outputs of `images` images off the phase grid (`grid`: O rows of stride `ld`,
  /// ``Im2colPlan/columnsPerImage`` columns per image) into `output` (`[images, O, H', W']`).
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func copyFromPhaseGrid(
    _ plan: Im2colPlan, grid: UnsafePointer<Self>, ld: Int, images: Int, output: UnsafeMutablePointer<Self>
  ) {
    let g = plan.g, (oh, ow, pw) = (g.outHeight, g.outWidth, plan.phaseWidth)
    for n in 0..<images {
      for oc in 0..<g.outChannels {
        let src = grid + oc * ld + n * plan.columnsPerImage, dst = output + (n * g.outChannels + oc) * oh * ow
        for y in 0..<oh { copyElements(from: src + y * pw, to: dst + y * ow, count: ow) }
      }
    }
  }

  /// `outputGrad` of `images` images as O rows of stride `ld` on the phase grid, zeros in the junk
  /// columns: in place when it already has that layout, else spread into `buffer`.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func outputGradOnPhaseGrid(
    _ plan: Im2colPlan, _ outputGrad: UnsafePointer<Self>, images: Int, into buffer: UnsafeMutablePointer<Self>, ld: Int
  ) -> UnsafePointer<Self> {
    let g = plan.g, (oh, ow, pw) = (g.outHeight, g.outWidth, plan.phaseWidth)
    if images == 1 && plan.isDense { return outputGrad }
    for n in 0..<images {
      for oc in 0..<g.outChannels {
        let src = outputGrad + (n * g.outChannels + oc) * oh * ow, dst = buffer + oc * ld + n * plan.columnsPerImage
        for y in 0..<oh {
          copyElements(from: src + y * ow, to: dst + y * pw, count: ow)
          for x in ow..<(y + 1 < oh ? pw : ow) { dst[y * pw + x] = 0 }
        }
      }
    }
    return UnsafePointer(buffer)
  }

  /// `dst[0..<count] = src[0..<count]` for the short runs here (a few to a few dozen values):
  /// whole and overlapping vectors, where `update(from:count:)` would call `memmove` every time.
  @inline(__always)
  static func copyElements(from src: UnsafePointer<Self>, to dst: UnsafeMutablePointer<Self>, count n: Int) {
    let w = Vector.scalarCount
    if n >= w {
      var i = 0
      while i + w <= n {
        copyVector(Vector.self, src + i, dst + i)
        i += w
      }
      if i < n { copyVector(Vector.self, src + n - w, dst + n - w) }
    } else if n >= 8 {
      copyVector(SIMD8<Self>.self, src, dst)
      copyVector(SIMD8<Self>.self, src + n - 8, dst + n - 8)
    } else if n >= 4 {
      copyVector(SIMD4<Self>.self, src, dst)
      copyVector(SIMD4<Self>.self, src + n - 4, dst + n - 4)
    } else {
      for i in 0..<n { dst[i] = src[i] }
    }
  }

  @inline(__always)
  static func copyVector<V: SIMD>(_: V.Type, _ src: UnsafePointer<Self>, _ dst: UnsafeMutablePointer<Self>) where V.Scalar == Self {
    UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: V.self), as: V.self)
  }

  @inline(__always)
  static func zero(_ p: UnsafeMutablePointer<Self>, _ count: Int) {
    if count > 0 { p.initialize(repeating: 0, count: count) }
  }
}

/// The plans of the geometries seen so far (at most ``capacity``; past that it starts over).
final class Im2colPlanCache: @unchecked Sendable {
  static let shared = Im2colPlanCache()
  static let capacity = 256
  private let lock = NSLock()
  private var plans: [Conv2DGeometry: Im2colPlan] = [:]

  func plan(_ g: Conv2DGeometry) -> Im2colPlan {
    lock.lock()
    defer { lock.unlock() }
    if let plan = plans[g] { return plan }
    let plan = Im2colPlan(g)
    if plans.count >= Self.capacity { plans.removeAll(keepingCapacity: true) }
    plans[g] = plan
    return plan
  }
}
