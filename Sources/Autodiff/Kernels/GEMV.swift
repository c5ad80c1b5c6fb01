extension TensorScalar {
  /// `y[r] ← α·Σ_p M[r, p]·x[p] + β·y[r]` for `r < rows`: the GEMMs with one row or one column
  /// of `C`, where a micro-tile would be mostly padding. Vectorised along whichever direction of
  /// `M` is contiguous (dot products along rows, or scaled column sums).
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func gemv(
    rows: Int, k: Int, alpha: Self, m: MatrixView<Self>, x: UnsafePointer<Self>, incx: Int,
    beta: Self, y: UnsafeMutablePointer<Self>, incy: Int
  ) {
    KernelScratch.with(Self.self, count: k + rows) { scratch in
      // A contiguous copy of x, unless it is one already.
      let xs: UnsafePointer<Self>
      if incx == 1 {
        xs = x
      } else {
        for p in 0..<k { scratch[p] = x[p * incx] }
        xs = UnsafePointer(scratch)
      }
      let sums = scratch + k
      if m.columnStride == 1 {
        gemvDots(rows: rows, k: k, m: m.base, ld: m.rowStride, x: xs, into: sums)
      } else if m.rowStride == 1 {
        gemvColumns(rows: rows, k: k, m: m.base, ld: m.columnStride, x: xs, into: sums)
      } else {
        for r in 0..<rows {
          var s: Self = 0
          for p in 0..<k { s += m.base[r * m.rowStride + p * m.columnStride] * xs[p] }
          sums[r] = s
        }
      }
      if beta == 0 {
        for r in 0..<rows { y[r * incy] = alpha * sums[r] }
      } else {
        for r in 0..<rows { y[r * incy] = alpha * sums[r] + beta * y[r * incy] }
      }
    }
  }

  /// `sums[r] = Σ_p m[r·ld + p]·x[p]`: four rows at a time, two accumulators each.
  static func gemvDots(rows: Int, k: Int, m: UnsafePointer<Self>, ld: Int, x: UnsafePointer<Self>, into sums: UnsafeMutablePointer<Self>) {
    let w = Vector.scalarCount
    let kv = k / (2 * w) * (2 * w)
    var r = 0
    while r + 4 <= rows {
      let m0 = m + r * ld, m1 = m0 + ld, m2 = m1 + ld, m3 = m2 + ld
      var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
      var b0 = Vector(), b1 = Vector(), b2 = Vector(), b3 = Vector()
      var p = 0
      while p < kv {
        let x0 = gemvLoad(x + p), x1 = gemvLoad(x + p + w)
        a0 = a0.addingProduct(gemvLoad(m0 + p), x0); b0 = b0.addingProduct(gemvLoad(m0 + p + w), x1)
        a1 = a1.addingProduct(gemvLoad(m1 + p), x0); b1 = b1.addingProduct(gemvLoad(m1 + p + w), x1)
        a2 = a2.addingProduct(gemvLoad(m2 + p), x0); b2 = b2.addingProduct(gemvLoad(m2 + p + w), x1)
        a3 = a3.addingProduct(gemvLoad(m3 + p), x0); b3 = b3.addingProduct(gemvLoad(m3 + p + w), x1)
        p += 2 * w
      }
      var s0 = (a0 + b0).sum(), s1 = (a1 + b1).sum(), s2 = (a2 + b2).sum(), s3 = (a3 + b3).sum()
      while p < k {
        s0 += m0[p] * x[p]; s1 += m1[p] * x[p]; s2 += m2[p] * x[p]; s3 += m3[p] * x[p]
        p += 1
      }
      sums[r] = s0; sums[r + 1] = s1; sums[r + 2] = s2; sums[r + 3] = s3
      r += 4
    }
    while r < rows {
      let m0 = m + r * ld
      var a0 = Vector(), b0 = Vector()
      var p = 0
      while p < kv {
        a0 = a0.addingProduct(gemvLoad(m0 + p), gemvLoad(x + p))
        b0 = b0.addingProduct(gemvLoad(m0 + p + w), gemvLoad(x + p + w))
        p += 2 * w
      }
      var s0 = (a0 + b0).sum()
      while p < k {
        s0 += m0[p] * x[p]
        p += 1
      }
      sums[r] = s0
      r += 1
    }
  }

  /// `sums[r] = Σ_p m[p·ld + r]·x[p]`: the columns of `m` scaled and added, four at a time.
  static func gemvColumns(rows: Int, k: Int, m: UnsafePointer<Self>, ld: Int, x: UnsafePointer<Self>, into sums: UnsafeMutablePointer<Self>) {
    let w = Vector.scalarCount
    let rv = rows / w * w
    sums.initialize(repeating: 0, count: rows)
    var p = 0
    while p + 4 <= k {
      let c0 = m + p * ld, c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld
      let x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3]
      var r = 0
      while r < rv {
        var s = gemvLoad(sums + r)
        s = s.addingProduct(x0, gemvLoad(c0 + r))
        s = s.addingProduct(x1, gemvLoad(c1 + r))
        s = s.addingProduct(x2, gemvLoad(c2 + r))
        s = s.addingProduct(x3, gemvLoad(c3 + r))
        gemvStore(s, sums + r)
        r += w
      }
      while r < rows {
        sums[r] += x0 * c0[r] + x1 * c1[r] + x2 * c2[r] + x3 * c3[r]
        r += 1
      }
      p += 4
    }
    while p < k {
      let c0 = m + p * ld, x0 = x[p]
      var r = 0
      while r < rv {
        gemvStore(gemvLoad(sums + r).addingProduct(x0, gemvLoad(c0 + r)), sums + r)
        r += w
      }
      while r < rows {
        sums[r] += x0 * c0[r]
        r += 1
      }
      p += 1
    }
  }

  // File-local so that debug (non-WMO) builds can inline them; see GEMM.swift.
  @inline(__always)
  fileprivate static func gemvLoad(_ p: UnsafePointer<Self>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

  @inline(__always)
  fileprivate static func gemvStore(_ v: Vector, _ p: UnsafeMutablePointer<Self>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }
}
