extension TensorScalar {
  /// Copies a `kc × valid` slice of a strided operand into a packed GEMM panel of `width` lanes:
  /// `panel[p·width + r] = src[r·rStride + p·pStride]` for `r < valid`, and 0 for the padding lanes
  /// `valid ≤ r < width`, so the micro-kernel reads one contiguous stream per operand.
  ///
  /// `A` panels (lanes = rows of `op(A)`) and `B` panels (lanes = columns of `op(B)`) both come
  /// through here; whichever stride is 1 decides between a row copy and a transposing copy.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func packPanel(
    _ src: UnsafePointer<Self>, rStride: Int, pStride: Int, valid: Int, width: Int, kc: Int,
    into panel: UnsafeMutablePointer<Self>
  ) {
    let w = Vector.scalarCount
    if rStride == 1 {
      // Each step of k is a contiguous run of lanes.
      if valid == width && width == 2 * w {
        for p in 0..<kc {
          let s = src + p * pStride, d = panel + p * width
          packStore(packLoad(s), d)
          packStore(packLoad(s + w), d + w)
        }
      } else if valid == width && width == w {
        for p in 0..<kc { packStore(packLoad(src + p * pStride), panel + p * width) }
      } else {
        for p in 0..<kc {
          let s = src + p * pStride, d = panel + p * width
          if width % w == 0 {
            // Zero with whole vectors (a short zeroing loop would become a memset call).
            var r = 0
            while r < width {
              packStore(Vector(), d + r)
              r += w
            }
          } else {
            for r in valid..<width { d[r] = 0 }
          }
          for r in 0..<valid { d[r] = s[r] }
        }
      }
    } else if pStride == 1 {
      // Each lane is a contiguous run along k: transpose, in square blocks of vectors, then four
      // lanes at a time.
      var r = 0
      if let side = BlockTranspose.side(scalarBytes: MemoryLayout<Self>.stride), kc >= side {
        let whole = kc - kc % side
        while r + side <= valid {
          let s = src + r * rStride
          var p = 0
          while p < whole {
            BlockTranspose.block(s + p, srcStride: rStride, panel + p * width + r, dstStride: width)
            p += side
          }
          for p in whole..<kc {
            for i in 0..<side { panel[p * width + r + i] = s[i * rStride + p] }
          }
          r += side
        }
      }
      while r + 4 <= valid {
        let s0 = src + r * rStride, s1 = s0 + rStride, s2 = s1 + rStride, s3 = s2 + rStride
        var d = panel + r
        for p in 0..<kc {
          d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p]
          d += width
        }
        r += 4
      }
      while r < valid {
        let s = src + r * rStride
        for p in 0..<kc { panel[p * width + r] = s[p] }
        r += 1
      }
      if valid < width {
        for p in 0..<kc { for r in valid..<width { panel[p * width + r] = 0 } }
      }
    } else {
      for p in 0..<kc {
        for r in 0..<valid { panel[p * width + r] = src[r * rStride + p * pStride] }
        for r in valid..<width { panel[p * width + r] = 0 }
      }
    }
  }

  // File-local so that debug (non-WMO) builds can inline them; see GEMM.swift.
  @inline(__always)
  fileprivate static func packLoad(_ p: UnsafePointer<Self>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

  @inline(__always)
  fileprivate static func packStore(_ v: Vector, _ p: UnsafeMutablePointer<Self>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }
}
