/// The register-blocked GEMM micro-kernels: a `12 × 2W` (or `12 × W`) tile of `C`, `W` being the
/// SIMD width (16 floats or 8 doubles), accumulated in 24 (or 12) AVX-512 registers over packed
/// panels of `A` (12 values per step of `k`) and `B` (`2W` or `W` values per step).
enum GEMMTile {
  /// Rows of `C` per micro-tile (the height of a packed `A` panel).
  static let rows = 12
  /// Whether the micro-kernels compute their tiles in half-vector sub-tiles: without AVX-512 the
  /// CPU has 16 vector registers, too few for the 24 accumulators of a full tile.
  static let usesHalfVectors = !CPUFeatures.hasAVX512
}

extension TensorScalar {
  @inline(__always)
  static func loadVector(_ p: UnsafePointer<Self>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func storeVector(_ v: Vector, _ p: UnsafeMutablePointer<Self>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }

  /// `*p ← α·v + β·*p`, without reading `*p` when β = 0.
  @inline(__always)
  static func updateVector(_ v: Vector, _ p: UnsafeMutablePointer<Self>, _ alpha: Self, _ beta: Self) {
    var r = alpha * v
    if beta != 0 { r = r.addingProduct(beta, loadVector(p)) }
    storeVector(r, p)
  }

  /// Two adjacent vectors of one row of `C`.
  @inline(__always)
  static func update2(_ v0: Vector, _ v1: Vector, _ p: UnsafeMutablePointer<Self>, _ alpha: Self, _ beta: Self) {
    updateVector(v0, p, alpha, beta)
    updateVector(v1, p + Vector.scalarCount, alpha, beta)
  }

  @inline(__always)
  static func fma2(_ c0: inout Vector, _ c1: inout Vector, _ a: Self, _ b0: Vector, _ b1: Vector) {
    c0 = c0.addingProduct(a, b0)
    c1 = c1.addingProduct(a, b1)
  }

  /// `C[0..<rows, 0..<2W] ← α·Σ_p a[p·12 + i]·b[p·ldb + j] + β·C` (rows ≤ 12; `C` row stride
  /// `ldc`). `b` is a packed panel (`ldb` = 2W) or rows of `B` read in place.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    if GEMMTile.usesHalfVectors {
      microKernel12x2Halves(kc, a, b, ldb, c, ldc, rows, alpha, beta)
    } else {
      microKernel12x2Full(kc, a, b, ldb, c, ldc, rows, alpha, beta)
    }
  }

  /// The full-vector (AVX-512) body of ``microKernel12x2(_:_:_:_:_:_:_:_:_:)``.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x2Full(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    let w = Vector.scalarCount
    var c0a = Vector(), c0b = Vector(), c1a = Vector(), c1b = Vector()
    var c2a = Vector(), c2b = Vector(), c3a = Vector(), c3b = Vector()
    var c4a = Vector(), c4b = Vector(), c5a = Vector(), c5b = Vector()
    var c6a = Vector(), c6b = Vector(), c7a = Vector(), c7b = Vector()
    var c8a = Vector(), c8b = Vector(), c9a = Vector(), c9b = Vector()
    var c10a = Vector(), c10b = Vector(), c11a = Vector(), c11b = Vector()
    var pa = a, pb = b
    for _ in 0..<kc {
      let b0 = loadVector(pb), b1 = loadVector(pb + w)
      fma2(&c0a, &c0b, pa[0], b0, b1)
      fma2(&c1a, &c1b, pa[1], b0, b1)
      fma2(&c2a, &c2b, pa[2], b0, b1)
      fma2(&c3a, &c3b, pa[3], b0, b1)
      fma2(&c4a, &c4b, pa[4], b0, b1)
      fma2(&c5a, &c5b, pa[5], b0, b1)
      fma2(&c6a, &c6b, pa[6], b0, b1)
      fma2(&c7a, &c7b, pa[7], b0, b1)
      fma2(&c8a, &c8b, pa[8], b0, b1)
      fma2(&c9a, &c9b, pa[9], b0, b1)
      fma2(&c10a, &c10b, pa[10], b0, b1)
      fma2(&c11a, &c11b, pa[11], b0, b1)
      pa += 12
      pb += ldb
    }
    update2(c0a, c0b, c + 0 * ldc, alpha, beta)
    if rows > 1 { update2(c1a, c1b, c + 1 * ldc, alpha, beta) }
    if rows > 2 { update2(c2a, c2b, c + 2 * ldc, alpha, beta) }
    if rows > 3 { update2(c3a, c3b, c + 3 * ldc, alpha, beta) }
    if rows > 4 { update2(c4a, c4b, c + 4 * ldc, alpha, beta) }
    if rows > 5 { update2(c5a, c5b, c + 5 * ldc, alpha, beta) }
    if rows > 6 { update2(c6a, c6b, c + 6 * ldc, alpha, beta) }
    if rows > 7 { update2(c7a, c7b, c + 7 * ldc, alpha, beta) }
    if rows > 8 { update2(c8a, c8b, c + 8 * ldc, alpha, beta) }
    if rows > 9 { update2(c9a, c9b, c + 9 * ldc, alpha, beta) }
    if rows > 10 { update2(c10a, c10b, c + 10 * ldc, alpha, beta) }
    if rows > 11 { update2(c11a, c11b, c + 11 * ldc, alpha, beta) }
  }

  /// `C[0..<rows, 0..<W] ← α·Σ_p a[p·12 + i]·b[p·ldb + j] + β·C`: the narrow panel at the right edge.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    if GEMMTile.usesHalfVectors {
      microKernel12x1Halves(kc, a, b, ldb, c, ldc, rows, alpha, beta)
    } else {
      microKernel12x1Full(kc, a, b, ldb, c, ldc, rows, alpha, beta)
    }
  }

  /// The full-vector (AVX-512) body of ``microKernel12x1(_:_:_:_:_:_:_:_:_:)``.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func microKernel12x1Full(
    _ kc: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ rows: Int, _ alpha: Self, _ beta: Self
  ) {
    var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector()
    var c4 = Vector(), c5 = Vector(), c6 = Vector(), c7 = Vector()
    var c8 = Vector(), c9 = Vector(), c10 = Vector(), c11 = Vector()
    var pa = a, pb = b
    for _ in 0..<kc {
      let b0 = loadVector(pb)
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
      pb += ldb
    }
    updateVector(c0, c + 0 * ldc, alpha, beta)
    if rows > 1 { updateVector(c1, c + 1 * ldc, alpha, beta) }
    if rows > 2 { updateVector(c2, c + 2 * ldc, alpha, beta) }
    if rows > 3 { updateVector(c3, c + 3 * ldc, alpha, beta) }
    if rows > 4 { updateVector(c4, c + 4 * ldc, alpha, beta) }
    if rows > 5 { updateVector(c5, c + 5 * ldc, alpha, beta) }
    if rows > 6 { updateVector(c6, c + 6 * ldc, alpha, beta) }
    if rows > 7 { updateVector(c7, c + 7 * ldc, alpha, beta) }
    if rows > 8 { updateVector(c8, c + 8 * ldc, alpha, beta) }
    if rows > 9 { updateVector(c9, c + 9 * ldc, alpha, beta) }
    if rows > 10 { updateVector(c10, c + 10 * ldc, alpha, beta) }
    if rows > 11 { updateVector(c11, c + 11 * ldc, alpha, beta) }
  }
}
