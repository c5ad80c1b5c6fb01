/// 2-D max and average pooling over independent planes. Window bounds are clipped once per output
/// row and column (no per-element padding tests), the common 2×2 stride-2 window has its own
/// loops, and large tensors are split across the cores by plane. Max pooling scans each window in
/// row-major order with strict comparisons, exactly like the reference (first maximum on ties).
extension TensorScalar {
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func maxPool2d(
    _ g: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>
  ) {
    precondition(g.isValid, "maxPool2d: invalid geometry \(g)")
    let (w, oh, ow) = (g.inWidth, g.outHeight, g.outWidth)
    let plane = g.inHeight * w, outPlane = oh * ow
    let windows = PoolWindows(g)
    forEachPlaneRange(g) { planes in
      windows.withBounds { rows, columns in
        for p in planes {
          let src = input + p * plane, dst = output + p * outPlane, arg = argmax + p * outPlane
          // Row-major window order and strict comparisons: the first maximum wins.
          if windows.isTwoByTwo {
            for y in 0..<oh {
              let r0 = src + 2 * y * w, r1 = r0 + w
              for x in 0..<ow {
                var best = r0[2 * x], at = 2 * y * w + 2 * x
                var v = r0[2 * x + 1]
                if v > best { best = v; at = 2 * y * w + 2 * x + 1 }
                v = r1[2 * x]
                if v > best { best = v; at = (2 * y + 1) * w + 2 * x }
                v = r1[2 * x + 1]
                if v > best { best = v; at = (2 * y + 1) * w + 2 * x + 1 }
                dst[y * ow + x] = best
                arg[y * ow + x] = Int32(truncatingIfNeeded: at)
              }
            }
            continue
          }
          for y in 0..<oh {
            let (y0, y1) = rows[y]
            for x in 0..<ow {
              let (x0, x1) = columns[x]
              var at = y0 * w + x0, best = src[at]
              for iy in y0..<y1 {
                for ix in x0..<x1 {
                  let v = src[iy * w + ix]
                  if v > best { best = v; at = iy * w + ix }
                }
              }
              dst[y * ow + x] = best
              arg[y * ow + x] = Int32(truncatingIfNeeded: at)
            }
          }
        }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func maxPool2dScatter(
    _ g: Pool2DGeometry, outputGrad: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "maxPool2dScatter: invalid geometry \(g)")
    let plane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
    forEachPlaneRange(g) { planes in
      for p in planes {
        let dst = inputGrad + p * plane, src = outputGrad + p * outPlane, arg = argmax + p * outPlane
        dst.initialize(repeating: 0, count: plane)
        for o in 0..<outPlane { dst[Int(arg[o])] += src[o] }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func maxPool2dGather(
    _ g: Pool2DGeometry, input: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, output: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "maxPool2dGather: invalid geometry \(g)")
    let plane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
    forEachPlaneRange(g) { planes in
      for p in planes {
        let src = input + p * plane, dst = output + p * outPlane, arg = argmax + p * outPlane
        for o in 0..<outPlane { dst[o] = src[Int(arg[o])] }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func avgPool2d(_ g: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>) {
    precondition(g.isValid, "avgPool2d: invalid geometry \(g)")
    let (w, oh, ow) = (g.inWidth, g.outHeight, g.outWidth)
    let plane = g.inHeight * w, outPlane = oh * ow
    let scale = 1 / Self(g.kernelHeight * g.kernelWidth)
    let windows = PoolWindows(g)
    forEachPlaneRange(g) { planes in
      windows.withBounds { rows, columns in
        for p in planes {
          let src = input + p * plane, dst = output + p * outPlane
          if windows.isTwoByTwo {
            for y in 0..<oh {
              let r0 = src + 2 * y * w, r1 = r0 + w
              for x in 0..<ow { dst[y * ow + x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * scale }
            }
            continue
          }
          for y in 0..<oh {
            let (y0, y1) = rows[y]
            for x in 0..<ow {
              let (x0, x1) = columns[x]
              var s: Self = 0
              for iy in y0..<y1 {
                for ix in x0..<x1 { s += src[iy * w + ix] }
              }
              dst[y * ow + x] = s * scale
            }
          }
        }
      }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func avgPool2dAdjoint(
    _ g: Pool2DGeometry, outputGrad: UnsafePointer<Self>, inputGrad: UnsafeMutablePointer<Self>
  ) {
    precondition(g.isValid, "avgPool2dAdjoint: invalid geometry \(g)")
    let (w, oh, ow) = (g.inWidth, g.outHeight, g.outWidth)
    let plane = g.inHeight * w, outPlane = oh * ow
    let scale = 1 / Self(g.kernelHeight * g.kernelWidth)
    let windows = PoolWindows(g)
    forEachPlaneRange(g) { planes in
      windows.withBounds { rows, columns in
        for p in planes {
          let src = outputGrad + p * outPlane, dst = inputGrad + p * plane
          dst.initialize(repeating: 0, count: plane)
          if windows.isTwoByTwo {
            // Disjoint windows: each input receives one share (or none, past an odd edge).
            for y in 0..<oh {
              let r0 = dst + 2 * y * w, r1 = r0 + w
              for x in 0..<ow {
                let v = src[y * ow + x] * scale
                r0[2 * x] = v; r0[2 * x + 1] = v; r1[2 * x] = v; r1[2 * x + 1] = v
              }
            }
            continue
          }
          for y in 0..<oh {
            let (y0, y1) = rows[y]
            for x in 0..<ow {
              let (x0, x1) = columns[x]
              let v = src[y * ow + x] * scale
              for iy in y0..<y1 {
                for ix in x0..<x1 { dst[iy * w + ix] += v }
              }
            }
          }
        }
      }
    }
  }

  /// Runs `body` over ranges of planes, split across the cores when the tensor is large.
  static func forEachPlaneRange(_ g: Pool2DGeometry, _ body: (Range<Int>) -> Void) {
    let perPlane = g.inHeight * g.inWidth + g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth
    Parallel.forEachChunk(g.planes, costPerItem: perPlane, threshold: 1 << 17, body)
  }
}

/// The input rows and columns each output row and column of a pooling window covers, clipped to
/// the input (padding cells are skipped, and count as zeros in averages).
struct PoolWindows {
  /// `[start, end)` of the input rows under output row `y`.
  let rows: [(Int, Int)]
  /// `[start, end)` of the input columns under output column `x`.
  let columns: [(Int, Int)]
  /// 2×2 windows with stride 2 and no padding: disjoint and never clipped.
  let isTwoByTwo: Bool

  init(_ g: Pool2DGeometry) {
    func clip(_ o: Int, stride: Int, pad: Int, kernel: Int, extent: Int) -> (Int, Int) {
      let lo = o * stride - pad
      return (max(0, lo), max(max(0, lo), min(extent, lo + kernel)))
    }
    rows = (0..<g.outHeight).map { clip($0, stride: g.strideH, pad: g.padH, kernel: g.kernelHeight, extent: g.inHeight) }
    columns = (0..<g.outWidth).map { clip($0, stride: g.strideW, pad: g.padW, kernel: g.kernelWidth, extent: g.inWidth) }
    isTwoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideH == 2 && g.strideW == 2
      && g.padH == 0 && g.padW == 0
  }

  /// Calls `body` with the bounds as unchecked buffers (they are read in the innermost loops).
  func withBounds<R>(_ body: (UnsafeBufferPointer<(Int, Int)>, UnsafeBufferPointer<(Int, Int)>) -> R) -> R {
    rows.withUnsafeBufferPointer { r in columns.withUnsafeBufferPointer { c in body(r, c) } }
  }
}

extension Pool2DGeometry {
  /// Positive sizes and strides, and padding smaller than the window, so every window holds at
  /// least one input element.
  var isValid: Bool {
    planes >= 0 && inHeight > 0 && inWidth > 0 && kernelHeight > 0 && kernelWidth > 0
      && strideH > 0 && strideW > 0 && padH >= 0 && padW >= 0 && padH < kernelHeight && padW < kernelWidth
      && inHeight + 2 * padH >= kernelHeight && inWidth + 2 * padW >= kernelWidth
  }
}
