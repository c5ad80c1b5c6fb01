/// The GEMM micro-kernels for CPUs with 16 vector registers (AVX2, and NEON in pairs).
///
/// The `12 × 2W` tile of ``TensorScalar/microKernel12x2(_:_:_:_:_:_:_:_:_:)`` needs 24 accumulators
/// of `W` lanes: 24 of AVX-512's 32 registers, but 48 of AVX2's 16 (`W` lanes are two 32-byte
/// registers there), so every multiply–add would load and store a spilled accumulator. These
/// kernels read the same packed panels and compute the same tile in sub-tiles of 6 rows × 2 half
/// vectors (12 accumulators, 2 loads of `B` and one broadcast of `A`: 15 registers), each sweeping
/// the whole `kc` before the next. The panels (a few KiB) stay in L1 across the sweeps.
extension TensorScalar {
  /// ``microKernel12x2(_:_:_:_:_:_:_:_:_:)`` in half-vector sub-tiles.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2Halves(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let h = HalfVector.scalarCount
    for r0 in stride(from: 0, to: rows, by: 6) {
      let count = min(6, rows - r0)
      halfTile(kc, a + r0, b, ldb, c + r0 * ldc, ldc, count, alpha, beta)
      halfTile(kc, a + r0, b + 2 * h, ldb, c + r0 * ldc + 2 * h, ldc, count, alpha, beta)
    }
  }

  /// ``microKernel12x1(_:_:_:_:_:_:_:_:_:)`` in half-vector sub-tiles.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1Halves(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    for r0 in stride(from: 0, to: rows, by: 6) {
      halfTile(kc, a + r0, b, ldb, c + r0 * ldc, ldc, min(6, rows - r0), alpha, beta)
    }
  }

  /// ``microKernel12x2Gather(_:_:_:_:_:_:_:_:_:)`` in half-vector sub-tiles.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2GatherHalves(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let h = HalfVector.scalarCount
    for r0 in stride(from: 0, to: rows, by: 6) {
      let count = min(6, rows - r0)
      halfTileGather(kc, a + r0, b, offsets, c + r0 * ldc, ldc, count, alpha, beta)
      halfTileGather(kc, a + r0, b + 2 * h, offsets, c + r0 * ldc + 2 * h, ldc, count, alpha, beta)
    }
  }

  /// ``microKernel12x1Gather(_:_:_:_:_:_:_:_:_:)`` in half-vector sub-tiles.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1GatherHalves(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    for r0 in stride(from: 0, to: rows, by: 6) {
      halfTileGather(kc, a + r0, b, offsets, c + r0 * ldc, ldc, min(6, rows - r0), alpha, beta)
    }
  }

  /// `C[0..<rows, 0..<2H] ← α·Σ_p a[p·12 + i]·b[p·ldb + j] + β·C` for `rows ≤ 6`, `H` the half
  /// width: `a` points into a packed 12-row panel of `A`.
  @inline(__always)
  fileprivate static func halfTile(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let h = HalfVector.scalarCount
    var c0a = HalfVector(), c0b = HalfVector(), c1a = HalfVector(), c1b = HalfVector()
    var c2a = HalfVector(), c2b = HalfVector(), c3a = HalfVector(), c3b = HalfVector()
    var c4a = HalfVector(), c4b = HalfVector(), c5a = HalfVector(), c5b = HalfVector()
    var pa = a, pb = b
    for _ in 0..<kc {
      let b0 = halfLoad(pb), b1 = halfLoad(pb + h)
      c0a = c0a.addingProduct(pa[0], b0); c0b = c0b.addingProduct(pa[0], b1)
      c1a = c1a.addingProduct(pa[1], b0); c1b = c1b.addingProduct(pa[1], b1)
      c2a = c2a.addingProduct(pa[2], b0); c2b = c2b.addingProduct(pa[2], b1)
      c3a = c3a.addingProduct(pa[3], b0); c3b = c3b.addingProduct(pa[3], b1)
      c4a = c4a.addingProduct(pa[4], b0); c4b = c4b.addingProduct(pa[4], b1)
      c5a = c5a.addingProduct(pa[5], b0); c5b = c5b.addingProduct(pa[5], b1)
      pa += 12
      pb += ldb
    }
    halfStore(c0a, c0b, c, alpha, beta)
    if rows > 1 { halfStore(c1a, c1b, c + ldc, alpha, beta) }
    if rows > 2 { halfStore(c2a, c2b, c + 2 * ldc, alpha, beta) }
    if rows > 3 { halfStore(c3a, c3b, c + 3 * ldc, alpha, beta) }
    if rows > 4 { halfStore(c4a, c4b, c + 4 * ldc, alpha, beta) }
    if rows > 5 { halfStore(c5a, c5b, c + 5 * ldc, alpha, beta) }
  }

  /// ``halfTile(_:_:_:_:_:_:_:_:_:)`` with step `p`'s row of `B` at `b + offsets[p]`.
  @inline(__always)
  fileprivate static func halfTileGather(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ offsets: UnsafePointer<Int>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let h = HalfVector.scalarCount
    var c0a = HalfVector(), c0b = HalfVector(), c1a = HalfVector(), c1b = HalfVector()
    var c2a = HalfVector(), c2b = HalfVector(), c3a = HalfVector(), c3b = HalfVector()
    var c4a = HalfVector(), c4b = HalfVector(), c5a = HalfVector(), c5b = HalfVector()
    var pa = a
    for p in 0..<kc {
      let pb = b + offsets[p]
      let b0 = halfLoad(pb), b1 = halfLoad(pb + h)
      c0a = c0a.addingProduct(pa[0], b0); c0b = c0b.addingProduct(pa[0], b1)
      c1a = c1a.addingProduct(pa[1], b0); c1b = c1b.addingProduct(pa[1], b1)
      c2a = c2a.addingProduct(pa[2], b0); c2b = c2b.addingProduct(pa[2], b1)
      c3a = c3a.addingProduct(pa[3], b0); c3b = c3b.addingProduct(pa[3], b1)
      c4a = c4a.addingProduct(pa[4], b0); c4b = c4b.addingProduct(pa[4], b1)
      c5a = c5a.addingProduct(pa[5], b0); c5b = c5b.addingProduct(pa[5], b1)
      pa += 12
    }
    halfStore(c0a, c0b, c, alpha, beta)
    if rows > 1 { halfStore(c1a, c1b, c + ldc, alpha, beta) }
    if rows > 2 { halfStore(c2a, c2b, c + 2 * ldc, alpha, beta) }
    if rows > 3 { halfStore(c3a, c3b, c + 3 * ldc, alpha, beta) }
    if rows > 4 { halfStore(c4a, c4b, c + 4 * ldc, alpha, beta) }
    if rows > 5 { halfStore(c5a, c5b, c + 5 * ldc, alpha, beta) }
  }

  // File-local so that debug (non-WMO) builds can inline them; see GEMM.swift.
  @inline(__always)
  fileprivate static func halfLoad(_ p: UnsafePointer<Self>) -> HalfVector {
    UnsafeRawPointer(p).loadUnaligned(as: HalfVector.self)
  }

  /// Two adjacent half vectors of one row of `C`: `← α·v + β·C`, without reading `C` when β = 0.
  @inline(__always)
  fileprivate static func halfStore(
    _ v0: HalfVector, _ v1: HalfVector, _ p: UnsafeMutablePointer<Self>, _ alpha: Self, _ beta: Self
  ) {
    var r0 = alpha * v0, r1 = alpha * v1
    if beta != 0 {
      r0 = r0.addingProduct(beta, halfLoad(p))
      r1 = r1.addingProduct(beta, halfLoad(p + HalfVector.scalarCount))
    }
    UnsafeMutableRawPointer(p).storeBytes(of: r0, as: HalfVector.self)
    UnsafeMutableRawPointer(p + HalfVector.scalarCount).storeBytes(of: r1, as: HalfVector.self)
  }
}
