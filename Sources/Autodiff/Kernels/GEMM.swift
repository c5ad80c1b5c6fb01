/// General matrix multiply: the public entry points and the choice of path.
///
/// - One row or column of `C`: ``TensorScalar/gemv(rows:k:alpha:m:x:incx:beta:y:incy:)``.
/// - Otherwise packed panels and a `12 × 2W` register-blocked micro-kernel (`GEMMPacked.swift`),
///   oriented (`C` or `Cᵀ`) so the padding of the edge tiles is smallest.
/// - Products of at least ``GEMMParallel/threshold`` multiply-adds are split across the cores
///   into disjoint blocks of `C`; small batched products are spread across the batch instead.
/// - `X·Xᵀ` (the same operand on both sides, β = 0) computes one triangle and mirrors it.
///
/// Specialisation: `swift test` builds each file separately (no whole-module optimisation), and
/// a generic function then runs unspecialised when called from another file, including from the
/// `Float`/`Double` conformances in `TensorScalar.swift`: 20–100× slower. So every kernel function
/// called across files carries `@_specialize` for `Float` and `Double` (its generic entry checks
/// the type and jumps to the specialised body), and small SIMD helpers are file-local.
extension TensorScalar {
  /// `C ← α·op(A)·op(B) + β·C` (see the requirement in `TensorScalar`).
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size \(m)×\(n)×\(k)")
    gemmDispatch(
      m: m, n: n, k: k, alpha: alpha, a: MatrixView(a, ld: lda, transposed: transposeA),
      b: MatrixView(b, ld: ldb, transposed: transposeB), beta: beta,
      c: MutableMatrixView(c, rowStride: ldc, columnStride: 1), parallel: true)
  }

  /// `batch` GEMMs (see the requirement in `TensorScalar`): across the cores by entry when each
  /// is too small to split, else one after another, each split across the cores.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func gemmBatched(
    batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, strideA: Int,
    b: UnsafePointer<Self>, ldb: Int, strideB: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, strideC: Int
  ) {
    precondition(batch >= 0 && m >= 0 && n >= 0 && k >= 0, "gemmBatched: negative size")
    guard batch > 0, m > 0, n > 0 else { return }
    func entry(_ i: Int, parallel: Bool) {
      gemmDispatch(
        m: m, n: n, k: k, alpha: alpha, a: MatrixView(a + i * strideA, ld: lda, transposed: transposeA),
        b: MatrixView(b + i * strideB, ld: ldb, transposed: transposeB), beta: beta,
        c: MutableMatrixView(c + i * strideC, rowStride: ldc, columnStride: 1), parallel: parallel)
    }
    let macs = multiplyAdds(m, n, k)
    // Entries may run in parallel only when they write disjoint blocks of C.
    let disjoint = abs(strideC) >= (m - 1) * ldc + n
    if batch > 1 && disjoint && macs < GEMMParallel.threshold {
      Parallel.forEachChunk(batch, costPerItem: macs, threshold: GEMMParallel.threshold) { range in
        for i in range { entry(i, parallel: false) }
      }
    } else {
      for i in 0..<batch { entry(i, parallel: true) }
    }
  }

  /// `C ← α·A·B + β·C` for strided views: picks the path, and splits large products across cores
  /// when `parallel`.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func gemmDispatch(
    m: Int, n: Int, k: Int, alpha: Self, a: MatrixView<Self>, b: MatrixView<Self>,
    beta: Self, c: MutableMatrixView<Self>, parallel: Bool
  ) {
    guard m > 0 && n > 0 else { return }
    if k == 0 || alpha == 0 {
      scaleMatrix(rows: m, cols: n, beta: beta, c)
      return
    }
    let macs = multiplyAdds(m, n, k)
    let parallel = parallel && Parallel.coreCount > 1 && macs >= GEMMParallel.threshold
    if m == n && beta == 0 && m > 2 * GEMMTile.rows && a.base == b.base
      && a.rowStride == b.columnStride && a.columnStride == b.rowStride {
      gemmSymmetric(n: n, k: k, alpha: alpha, a: a, c: c, parallel: parallel)
    } else if parallel {
      gemmParallel(m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c)
    } else {
      gemmSerial(m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c)
    }
  }

  /// One GEMM on the calling thread, in the cheaper orientation.
  static func gemmSerial(
    m: Int, n: Int, k: Int, alpha: Self, a: MatrixView<Self>, b: MatrixView<Self>,
    beta: Self, c: MutableMatrixView<Self>
  ) {
    if n == 1 {
      gemv(rows: m, k: k, alpha: alpha, m: a, x: b.base, incx: b.rowStride, beta: beta, y: c.base, incy: c.rowStride)
      return
    }
    if m == 1 {
      gemv(rows: n, k: k, alpha: alpha, m: b.transposed, x: a.base, incx: a.columnStride,
           beta: beta, y: c.base, incy: c.columnStride)
      return
    }
    // Cᵀ = op(B)ᵀ·op(A)ᵀ wastes fewer padded lanes when n is small and m is not.
    let w = Vector.scalarCount, mr = GEMMTile.rows
    func padded(_ x: Int, _ r: Int) -> Int { (x + r - 1) / r * r }
    let cost = padded(m, mr) * padded(n, w), swappedCost = padded(n, mr) * padded(m, w)
    if swappedCost * 5 < cost * 4 {
      gemmPacked(m: n, n: m, k: k, alpha: alpha, a: b.transposed, b: a.transposed, beta: beta, c: c.transposed)
    } else {
      gemmPacked(m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c)
    }
  }

  /// Splits `C` into one block of rows (or columns) per core. Each block packs its own panels; the
  /// split is along the dimension whose other operand is cheaper to pack twice.
  static func gemmParallel(
    m: Int, n: Int, k: Int, alpha: Self, a: MatrixView<Self>, b: MatrixView<Self>,
    beta: Self, c: MutableMatrixView<Self>
  ) {
    let parts = Parallel.coreCount, mr = GEMMTile.rows, nr = 2 * Vector.scalarCount
    let rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr
    // Transposing copies (stride-1 along k) cost about three times a straight copy.
    let packAgainA = m * k * (a.rowStride == 1 ? 1 : 3), packAgainB = k * n * (b.columnStride == 1 ? 1 : 3)
    let rowsOK = rowTiles >= 2 * parts, colsOK = colTiles >= 2 * parts
    guard rowsOK || colsOK else {
      gemmSerial(m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c)
      return
    }
    let splitRows = rowsOK && (!colsOK || packAgainB <= packAgainA)
    Parallel.forEachChunk(parts, threshold: 0) { range in
      for part in range {
        if splitRows {
          let lo = rowTiles * part / parts * mr, hi = min(m, rowTiles * (part + 1) / parts * mr)
          gemmSerial(m: hi - lo, n: n, k: k, alpha: alpha, a: a.offset(lo, 0), b: b, beta: beta, c: c.offset(lo, 0))
        } else {
          let lo = colTiles * part / parts * nr, hi = min(n, colTiles * (part + 1) / parts * nr)
          gemmSerial(m: m, n: hi - lo, k: k, alpha: alpha, a: a, b: b.offset(0, lo), beta: beta, c: c.offset(0, lo))
        }
      }
    }
  }

  /// `C ← α·X·Xᵀ` (n×n, `X` = `a`, n×k): the micro-tiles on and below the diagonal, then the upper
  /// triangle mirrored from the lower. Row blocks are sized so each core gets the same area.
  static func gemmSymmetric(n: Int, k: Int, alpha: Self, a: MatrixView<Self>, c: MutableMatrixView<Self>, parallel: Bool) {
    let b = a.transposed, mr = GEMMTile.rows
    let parts = parallel ? Parallel.coreCount : 1
    // Part p takes rows [n·√(p/parts), n·√((p+1)/parts)), rounded to whole tiles.
    func boundary(_ p: Int) -> Int {
      p >= parts ? n : min(n, Int((Double(n) * (Double(p) / Double(parts)).squareRoot() / Double(mr)).rounded()) * mr)
    }
    Parallel.forEachChunk(parts, threshold: 0) { range in
      for part in range {
        let lo = boundary(part), hi = boundary(part + 1)
        if lo < hi {
          gemmPacked(m: hi - lo, n: hi, k: k, alpha: alpha, a: a.offset(lo, 0), b: b, beta: 0,
                     c: c.offset(lo, 0), lowerFrom: lo)
        }
      }
    }
    // Mirror in square blocks so both the rows and the columns read stay in cache.
    let block = 64
    for ib in stride(from: 0, to: n, by: block) {
      for jb in stride(from: ib, to: n, by: block) {
        for i in ib..<min(ib + block, n) {
          let row = c.base + i * c.rowStride, lo = max(jb, i + 1), hi = min(jb + block, n)
          if lo < hi {
            for j in lo..<hi { row[j * c.columnStride] = c.base[j * c.rowStride + i * c.columnStride] }
          }
        }
      }
    }
  }

  /// `C ← β·C`, writing zeros without reading `C` when β = 0.
  static func scaleMatrix(rows: Int, cols: Int, beta: Self, _ c: MutableMatrixView<Self>) {
    for i in 0..<rows {
      let row = c.base + i * c.rowStride
      if beta == 0 {
        for j in 0..<cols { row[j * c.columnStride] = 0 }
      } else if beta != 1 {
        for j in 0..<cols { row[j * c.columnStride] *= beta }
      }
    }
  }
}

/// `m·n·k`, saturating instead of overflowing (it only feeds size thresholds).
func multiplyAdds(_ m: Int, _ n: Int, _ k: Int) -> Int {
  let (mn, o1) = m.multipliedReportingOverflow(by: n)
  let (mnk, o2) = mn.multipliedReportingOverflow(by: k)
  return o1 || o2 ? Int.max : mnk
}

/// When a GEMM is worth splitting across cores.
enum GEMMParallel {
  /// Multiply-adds below which one core finishes before a second could help (~10 µs of work).
  static let threshold = 1 << 20
}
