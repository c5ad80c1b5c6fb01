extension TensorScalar {
  /// ``microKernel12x2(_:_:_:_:_:_:_:_:_:)`` with the rows of `B` anywhere: step `p` reads `2W`
  /// values at `b + offsets[p]`. A convolution's taps are then rows of its (zero-padded) input
  /// read in place, with no unfolded copy (see `ConvolutionDirect.swift`).
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2Gather(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    if GEMMTile.usesHalfVectors {
      microKernel12x2GatherHalves(kc, a, b, offsets, c, ldc, rows, alpha, beta)
    } else {
      microKernel12x2GatherFull(kc, a, b, offsets, c, ldc, rows, alpha, beta)
    }
  }

  /// The full-vector (AVX-512) body of ``microKernel12x2Gather(_:_:_:_:_:_:_:_:_:)``.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2GatherFull(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let w = Vector.scalarCount
    var c0a = Vector(), c0b = Vector(), c1a = Vector(), c1b = Vector()
    var c2a = Vector(), c2b = Vector(), c3a = Vector(), c3b = Vector()
    var c4a = Vector(), c4b = Vector(), c5a = Vector(), c5b = Vector()
    var c6a = Vector(), c6b = Vector(), c7a = Vector(), c7b = Vector()
    var c8a = Vector(), c8b = Vector(), c9a = Vector(), c9b = Vector()
    var c10a = Vector(), c10b = Vector(), c11a = Vector(), c11b = Vector()
    var pa = a
    for p in 0..<kc {
      let pb = b + offsets[p]
      let b0 = gatherLoad(pb), b1 = gatherLoad(pb + w)
      gatherFMA2(&c0a, &c0b, pa[0], b0, b1)
      gatherFMA2(&c1a, &c1b, pa[1], b0, b1)
      gatherFMA2(&c2a, &c2b, pa[2], b0, b1)
      gatherFMA2(&c3a, &c3b, pa[3], b0, b1)
      gatherFMA2(&c4a, &c4b, pa[4], b0, b1)
      gatherFMA2(&c5a, &c5b, pa[5], b0, b1)
      gatherFMA2(&c6a, &c6b, pa[6], b0, b1)
      gatherFMA2(&c7a, &c7b, pa[7], b0, b1)
      gatherFMA2(&c8a, &c8b, pa[8], b0, b1)
      gatherFMA2(&c9a, &c9b, pa[9], b0, b1)
      gatherFMA2(&c10a, &c10b, pa[10], b0, b1)
      gatherFMA2(&c11a, &c11b, pa[11], b0, b1)
      pa += 12
    }
    gatherUpdate2(c0a, c0b, c + 0 * ldc, alpha, beta)
    if rows > 1 { gatherUpdate2(c1a, c1b, c + 1 * ldc, alpha, beta) }
    if rows > 2 { gatherUpdate2(c2a, c2b, c + 2 * ldc, alpha, beta) }
    if rows > 3 { gatherUpdate2(c3a, c3b, c + 3 * ldc, alpha, beta) }
    if rows > 4 { gatherUpdate2(c4a, c4b, c + 4 * ldc, alpha, beta) }
    if rows > 5 { gatherUpdate2(c5a, c5b, c + 5 * ldc, alpha, beta) }
    if rows > 6 { gatherUpdate2(c6a, c6b, c + 6 * ldc, alpha, beta) }
    if rows > 7 { gatherUpdate2(c7a, c7b, c + 7 * ldc, alpha, beta) }
    if rows > 8 { gatherUpdate2(c8a, c8b, c + 8 * ldc, alpha, beta) }
    if rows > 9 { gatherUpdate2(c9a, c9b, c + 9 * ldc, alpha, beta) }
    if rows > 10 { gatherUpdate2(c10a, c10b, c + 10 * ldc, alpha, beta) }
    if rows > 11 { gatherUpdate2(c11a, c11b, c + 11 * ldc, alpha, beta) }
  }

  /// ``microKernel12x1(_:_:_:_:_:_:_:_:_:)`` with the rows of `B` at `b + offsets[p]`.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1Gather(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    if GEMMTile.usesHalfVectors {
      microKernel12x1GatherHalves(kc, a, b, offsets, c, ldc, rows, alpha, beta)
    } else {
      microKernel12x1GatherFull(kc, a, b, offsets, c, ldc, rows, alpha, beta)
    }
  }

  /// The full-vector (AVX-512) body of ``microKernel12x1Gather(_:_:_:_:_:_:_:_:_:)``.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1GatherFull(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector()
    var c4 = Vector(), c5 = Vector(), c6 = Vector(), c7 = Vector()
    var c8 = Vector(), c9 = Vector(), c10 = Vector(), c11 = Vector()
    var pa = a
    for p in 0..<kc {
      let b0 = gatherLoad(b + offsets[p])
      c0 = c0.addingProduct(pa[0], b0)
      c1 = c1.addingProduct(pa[1], b0)
      c2 = c2.addingProduct(pa[2], b0)
      c3 = c3.addingProduct(pa[3], b0)
      c4 = c4.addingProduct(pa[4], b0)
      c5 = c5.addingProduct(pa[5], b0)
      c6 = c6.addingProduct(pa[6], b0)
      c7 = c7.addingProduct(pa[7], b0)
      c8 = c8.addingProduct(pa[8], b0)
      c9 = c9.addingProduct(pa[9], b0)
      c10 = c10.addingProduct(pa[10], b0)
      c11 = c11.addingProduct(pa[11], b0)
      pa += 12
    }
    gatherUpdate(c0, c + 0 * ldc, alpha, beta)
    if rows > 1 { gatherUpdate(c1, c + 1 * ldc, alpha, beta) }
    if rows > 2 { gatherUpdate(c2, c + 2 * ldc, alpha, beta) }
    if rows > 3 { gatherUpdate(c3, c + 3 * ldc, alpha, beta) }
    if rows > 4 { gatherUpdate(c4, c + 4 * ldc, alpha, beta) }
    if rows > 5 { gatherUpdate(c5, c + 5 * ldc, alpha, beta) }
    if rows > 6 { gatherUpdate(c6, c + 6 * ldc, alpha, beta) }
    if rows > 7 { gatherUpdate(c7, c + 7 * ldc, alpha, beta) }
    if rows > 8 { gatherUpdate(c8, c + 8 * ldc, alpha, beta) }
    if rows > 9 { gatherUpdate(c9, c + 9 * ldc, alpha, beta) }
    if rows > 10 { gatherUpdate(c10, c + 10 * ldc, alpha, beta) }
    if rows > 11 { gatherUpdate(c11, c + 11 * ldc, alpha, beta) }
  }

  // File-local copies of the GEMMMicroKernel.swift helpers, so that debug (non-WMO) builds can
  // inline them; see GEMM.swift.
  @inline(__always)
  fileprivate static func gatherLoad(_ p: UnsafePointer<Self>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  fileprivate static func gatherUpdate(_ v: Vector, _ p: UnsafeMutablePointer<Self>, _ alpha: Self, _ beta: Self) {
    var r = alpha * v
    if beta != 0 { r = r.addingProduct(beta, gatherLoad(p)) }
    UnsafeMutableRawPointer(p).storeBytes(of: r, as: Vector.self)
  }

  @inline(__always)
  fileprivate static func gatherUpdate2(_ v0: Vector, _ v1: Vector, _ p: UnsafeMutablePointer<Self>, _ alpha: Self, _ beta: Self) {
    gatherUpdate(v0, p, alpha, beta)
    gatherUpdate(v1, p + Vector.scalarCount, alpha, beta)
  }

  @inline(__always)
  fileprivate static func gatherFMA2(_ c0: inout Vector, _ c1: inout Vector, _ a: Self, _ b0: Vector, _ b1: Vector) {
    c0 = c0.addingProduct(a, b0)
    c1 = c1.addingProduct(a, b1)
  }

  /// `C[0..<rows, 0..<width] ← Σ_p A[i, p]·b[offsets[p] + j]` for a `width` that is a multiple
  /// of `W`, `A` packed in panels of 12 rows (`panelStride` values apart): panel by panel for each `2W`
  /// (or final `W`) columns, so those columns of `B` stay in L1 across the panels. `C` has row
  /// stride `ldc`; lanes past `width` are never written.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func gatherPanels(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, rows: Int, width: Int, panelStride: Int
  ) {
    let w = Vector.scalarCount, mr = GEMMTile.rows
    var j = 0
    while j < width {
      let wide = width - j >= 2 * w
      var i = 0
      while i < rows {
        let panel = a + i / mr * panelStride, target = c + i * ldc + j, count = min(mr, rows - i)
        if wide {
          microKernel12x2Gather(kc, panel, b + j, offsets, target, ldc, count, 1, 0)
        } else {
          microKernel12x1Gather(kc, panel, b + j, offsets, target, ldc, count, 1, 0)
        }
        i += mr
      }
      j += wide ? 2 * w : w
    }
  }
}
