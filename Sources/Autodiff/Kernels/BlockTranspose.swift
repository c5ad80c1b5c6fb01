/// Transposes of small square blocks in vector registers: the transposing copies of GEMM packing
/// (an operand whose stride-1 dimension is the one summed over) move a block per few shuffles
/// instead of one scalar load and store per element.
///
/// The blocks are 8×8 for 4-byte scalars (one AVX `SIMD8<Float>` per row) and 4×4 for 8-byte
/// ones (`SIMD4<Double>`). Values are moved bit for bit (no arithmetic), so the same code serves
/// any scalar of that size. The stages are written as the lane lists of AVX's unpack and shuffle
/// instructions; LLVM merges them into a shuffle sequence of its own (about 70 instructions per
/// 8×8 block on AVX2, against 64 loads, 64 stores and their addressing for scalar copies).
enum BlockTranspose {
  /// Side of the square block for scalars of `stride` bytes, or nil when there is no vector
  /// transpose for that size.
  static func side(scalarBytes stride: Int) -> Int? {
    switch stride {
    case 4: 8
    case 8: 4
    default: nil
    }
  }

  /// Writes the transpose of the `side × side` block at `src` (rows `srcStride` scalars apart) to
  /// `dst` (rows `dstStride` scalars apart): `dst[j·dstStride + i] = src[i·srcStride + j]`.
  @inline(__always)
  static func block<Scalar>(
    _ src: UnsafePointer<Scalar>, srcStride: Int, _ dst: UnsafeMutablePointer<Scalar>, dstStride: Int
  ) {
    if MemoryLayout<Scalar>.stride == 4 {
      block8x8(UnsafeRawPointer(src), srcStride * 4, UnsafeMutableRawPointer(dst), dstStride * 4)
    } else {
      precondition(MemoryLayout<Scalar>.stride == 8, "BlockTranspose: \(Scalar.self) has no vector transpose")
      block4x4(UnsafeRawPointer(src), srcStride * 8, UnsafeMutableRawPointer(dst), dstStride * 8)
    }
  }

  /// 8×8 block of 4-byte values; strides in bytes. Rows i and i + 4 share a vector (one in each
  /// 128-bit lane), so the two lanes transpose their 4×4 blocks side by side.
  @inline(__always)
  static func block8x8(_ src: UnsafeRawPointer, _ srcStride: Int, _ dst: UnsafeMutableRawPointer, _ dstStride: Int) {
    typealias V = SIMD8<Float>
    typealias H = SIMD4<Float>
    @inline(__always) func half(_ i: Int, _ j: Int) -> H { (src + i * srcStride + j * 4).loadUnaligned(as: H.self) }
    // Columns 0–3 (a) and 4–7 (b) of rows i and i + 4.
    @inline(__always) func a(_ i: Int) -> V { V(lowHalf: half(i, 0), highHalf: half(i + 4, 0)) }
    @inline(__always) func b(_ i: Int) -> V { V(lowHalf: half(i, 4), highHalf: half(i + 4, 4)) }
    // unpacklo / unpackhi: interleave the low (high) pairs of each 128-bit lane.
    @inline(__always) func lo(_ a: V, _ b: V) -> V { V(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]) }
    @inline(__always) func hi(_ a: V, _ b: V) -> V { V(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]) }
    // shufps 0x44 / 0xEE: the low (high) 64-bit halves of each lane of a, then of b.
    @inline(__always) func lo64(_ a: V, _ b: V) -> V { V(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5]) }
    @inline(__always) func hi64(_ a: V, _ b: V) -> V { V(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7]) }
    @inline(__always) func store(_ v: V, _ j: Int) { (dst + j * dstStride).storeBytes(of: v, as: V.self) }
    @inline(__always) func columns(_ r0: V, _ r1: V, _ r2: V, _ r3: V, from column: Int) {
      let t0 = lo(r0, r1), t1 = hi(r0, r1), t2 = lo(r2, r3), t3 = hi(r2, r3)
      store(lo64(t0, t2), column)
      store(hi64(t0, t2), column + 1)
      store(lo64(t1, t3), column + 2)
      store(hi64(t1, t3), column + 3)
    }
    columns(a(0), a(1), a(2), a(3), from: 0)
    columns(b(0), b(1), b(2), b(3), from: 4)
  }

  /// 4×4 block of 8-byte values; strides in bytes.
  @inline(__always)
  static func block4x4(_ src: UnsafeRawPointer, _ srcStride: Int, _ dst: UnsafeMutableRawPointer, _ dstStride: Int) {
    typealias V = SIMD4<Double>
    @inline(__always) func row(_ i: Int) -> V { (src + i * srcStride).loadUnaligned(as: V.self) }
    // unpcklpd / unpckhpd, then vperm2f128.
    @inline(__always) func lo(_ a: V, _ b: V) -> V { V(a[0], b[0], a[2], b[2]) }
    @inline(__always) func hi(_ a: V, _ b: V) -> V { V(a[1], b[1], a[3], b[3]) }
    @inline(__always) func lo128(_ a: V, _ b: V) -> V { V(a[0], a[1], b[0], b[1]) }
    @inline(__always) func hi128(_ a: V, _ b: V) -> V { V(a[2], a[3], b[2], b[3]) }
    let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
    let t0 = lo(r0, r1), t1 = hi(r0, r1), t2 = lo(r2, r3), t3 = hi(r2, r3)
    @inline(__always) func store(_ v: V, _ j: Int) { (dst + j * dstStride).storeBytes(of: v, as: V.self) }
    store(lo128(t0, t2), 0)
    store(lo128(t1, t3), 1)
    store(hi128(t0, t2), 2)
    store(hi128(t1, t3), 3)
  }
}
