/// 2-D max and average pooling over independent planes. Window bounds (and average divisors) are
/// computed once per output row and column (no per-element padding tests), the common 2×2
/// stride-2 window has its own loops, and large tensors are split across the cores by plane. Max pooling scans each window in
/// row-major order with strict comparisons, exactly like the reference (first maximum on ties).
extension TensorScalar {
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func maxPool2d(
    _ g: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>
  ) {
    precondition(g.isValid, "maxPool2d: invalid geometry \(g)")
    let (w, oh, ow, dh, dw) = (g.inWidth, g.outHeight, g.outWidth, g.dilationH, g.dilationW)
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
            let (y0, y1) = (rows[y].first, rows[y].end)
            for x in 0..<ow {
              let (x0, x1) = (columns[x].first, columns[x].end)
              var at = y0 * w + x0, best = src[at]
              for iy in stride(from: y0, to: y1, by: dh) {
                for ix in stride(from: x0, to: x1, by: dw) {
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
    let (w, oh, ow, dh, dw) = (g.inWidth, g.outHeight, g.outWidth, g.dilationH, g.dilationW)
    let plane = g.inHeight * w, outPlane = oh * ow
    let windows = PoolWindows(g)
    let scale = 1 / Self(4)
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
            let (y0, y1, dy) = rows[y]
            for x in 0..<ow {
              let (x0, x1, dx) = columns[x]
              var s: Self = 0
              for iy in stride(from: y0, to: y1, by: dh) {
                for ix in stride(from: x0, to: x1, by: dw) { s += src[iy * w + ix] }
              }
              dst[y * ow + x] = s / Self(dy * dx)
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
    let (w, oh, ow, dh, dw) = (g.inWidth, g.outHeight, g.outWidth, g.dilationH, g.dilationW)
    let plane = g.inHeight * w, outPlane = oh * ow
    let windows = PoolWindows(g)
    let scale = 1 / Self(4)
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
            let (y0, y1, dy) = rows[y]
            for x in 0..<ow {
              let (x0, x1, dx) = columns[x]
              let v = src[y * ow + x] / Self(dy * dx)
              for iy in stride(from: y0, to: y1, by: dh) {
                for ix in stride(from: x0, to: x1, by: dw) { dst[iy * w + ix] += v }
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
/// the input (padding cells are skipped), with the divisor of an average along that axis.
struct PoolWindows {
  /// Output row `y` covers input rows `first, first + dilationH, …` below `end`; `divisor`: the
  /// cells it counts in an average.
  let rows: [(first: Int, end: Int, divisor: Int)]
  let columns: [(first: Int, end: Int, divisor: Int)]
  /// 2×2 windows with stride 2, no padding and no partial window: disjoint, never clipped.
  let isTwoByTwo: Bool

  init(_ g: Pool2DGeometry) {
    rows = (0..<g.outHeight).map {
      Self.taps($0, stride: g.strideH, padBefore: g.padH, padAfter: g.padBottom, kernel: g.kernelHeight,
                dilation: g.dilationH, extent: g.inHeight, countPadding: g.countIncludePad)
    }
    columns = (0..<g.outWidth).map {
      Self.taps($0, stride: g.strideW, padBefore: g.padW, padAfter: g.padRight, kernel: g.kernelWidth,
                dilation: g.dilationW, extent: g.inWidth, countPadding: g.countIncludePad)
    }
    isTwoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideH == 2 && g.strideW == 2
      && g.padH == 0 && g.padW == 0 && g.dilationH == 1 && g.dilationW == 1
      && 2 * g.outHeight <= g.inHeight && 2 * g.outWidth <= g.inWidth
  }

  /// Taps `lo + i·d` (`lo = o·stride − padBefore`, `i < kernel`) of output `o` inside `0..<extent`;
  /// the divisor counts those inside the padded extent instead when `countPadding` is set.
  static func taps(
    _ o: Int, stride: Int, padBefore: Int, padAfter: Int, kernel: Int, dilation d: Int, extent n: Int, countPadding: Bool
  ) -> (first: Int, end: Int, divisor: Int) {
    let lo = o * stride - padBefore
    let i0 = lo >= 0 ? 0 : (d - 1 - lo) / d
    let i1 = lo >= n ? 0 : Swift.min(kernel, (n - 1 - lo) / d + 1)
    let count = Swift.max(0, i1 - i0), first = lo + i0 * d
    let padded = lo >= n + padAfter ? 0 : Swift.min(kernel, (n + padAfter - 1 - lo) / d + 1)
    return (first, first + count * d, countPadding ? padded : count)
  }

  /// Calls `body` with the bounds as unchecked buffers (they are read in the innermost loops).
  func withBounds<R>(
    _ body: (UnsafeBufferPointer<(first: Int, end: Int, divisor: Int)>, UnsafeBufferPointer<(first: Int, end: Int, divisor: Int)>) -> R
  ) -> R {
    rows.withUnsafeBufferPointer { r in columns.withUnsafeBufferPointer { c in body(r, c) } }
  }
}

extension Pool2DGeometry {
  /// Positive sizes, strides and dilations, non-negative padding, at least one output, and at
  /// least one input cell in every window: what the pooling kernels need.
  public var isValid: Bool {
    guard planes >= 0, inHeight > 0, inWidth > 0, kernelHeight > 0, kernelWidth > 0, strideH > 0, strideW > 0,
          padH >= 0, padW >= 0, padBottom >= 0, padRight >= 0, dilationH > 0, dilationW > 0,
          outHeight > 0, outWidth > 0
    else { return false }
    let windows = PoolWindows(self)
    return windows.rows.allSatisfy { $0.end > $0.first && $0.divisor > 0 }
      && windows.columns.allSatisfy { $0.end > $0.first && $0.divisor > 0 }
  }
}
