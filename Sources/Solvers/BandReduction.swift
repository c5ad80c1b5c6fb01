import Autodiff

/// The first stage of the two-stage tridiagonalisation: `A = Q₁·B·Q₁ᵀ` for a dense symmetric
/// `A`, with `B` banded (`bandwidth` superdiagonals) and `Q₁` a sequence of block reflectors.
///
/// The matrix is swept in panels of `bandwidth` rows (row-major upper triangle: panel rows are
/// columns of the lower triangle). The part of the panel right of its diagonal block is factored
/// `P = L·Q_pᵀ` by Householder reflectors (LQ, level 2 but only `b × m`), which leaves the band
/// in place; then the trailing matrix is transformed `A₂₂ ← Q_pᵀ·A₂₂·Q_p` entirely by GEMMs, on
/// both cores: `X = A₂₂·V·T` (the symmetric product, by column strips read once from the stored
/// triangle), `W = X − ½·V·(Tᵀ·Vᵀ·X)`, `A₂₂ −= V·Wᵀ + W·Vᵀ` (by row blocks). Each panel reads the
/// trailing matrix a few times instead of once per column as the one-stage reduction's
/// matrix–vector products do, so the reduction runs at GEMM speed instead of memory speed.
struct BandReduction {
  /// Rows of the trailing matrix per GEMM of the symmetric product and of the update.
  static let tileSize = 96

  /// A row stride for an `n × n` matrix that keeps rows on whole cache lines but off a multiple
  /// of 512 bytes: with `n = 3072` every row would start at the same offset modulo 4 KiB, so a
  /// GEMM reading down a column hits one set of the L1 cache (8 ways) instead of all 64.
  static func paddedStride(_ n: Int) -> Int {
    let lines = (n + 7) / 8
    return 8 * (lines % 2 == 0 ? lines + 1 : lines)
  }

  let dimension: Int
  let bandwidth: Int
  /// Row `r` of `B`'s upper band, `B[r, r + d]` for `d = 0 ... bandwidth`, at `band[r·(bandwidth + 1) + d]`
  /// (zero beyond the matrix).
  let band: [Double]
  /// `Q₁`.
  let reflectors: BlockReflectorSequence

  /// Reduces the symmetric `n × n` `matrix`, row-major with rows `rowStride` apart (default `n`),
  /// of which only the upper triangle is read (the lower triangle is used as workspace). Throws
  /// `CancellationError` when the current task is cancelled (checked after each panel).
  init(symmetric matrix: consuming [Double], dimension n: Int, rowStride: Int? = nil, bandwidth b: Int) throws {
    let ld = rowStride ?? n
    precondition(ld >= n && matrix.count == n * ld && b >= 1)
    dimension = n
    bandwidth = b
    var a = consume matrix
    var q = BlockReflectorSequence(dimension: n)
    var band = [Double](repeating: 0, count: n * (b + 1))
    try a.withUnsafeMutableBufferPointer { a in
      let A = a.baseAddress!
      if n > b + 1 { try Self.reduce(A, n: n, ld: ld, bandwidth: b, into: &q) }
      band.withUnsafeMutableBufferPointer { band in
        for r in 0..<n {
          (band.baseAddress! + r * (b + 1)).update(from: A + r * ld + r, count: min(b, n - 1 - r) + 1)
        }
      }
    }
    self.band = band
    reflectors = q
  }

  private static func reduce(
    _ A: UnsafeMutablePointer<Double>, n: Int, ld: Int, bandwidth b: Int, into q: inout BlockReflectorSequence
  ) throws {
    // Panel vectors as rows [V; W; V] (so that [V; W] and [W; V] are both contiguous), Yᵀ = Tᵀ·V,
    // and the small factors: T, M = Yᵀ·X, the Gram matrix of V, and τ.
    var workspace = [Double](repeating: 0, count: 4 * b * ld + 3 * b * b + b)
    try workspace.withUnsafeMutableBufferPointer { workspace in
      let P = workspace.baseAddress!
      let Y = P + 3 * b * ld, T = Y + b * ld, M = T + b * b, gram = M + b * b, tau = gram + b * b
      var j0 = 0
      while j0 + b < n - 1 {
        let s = j0 + b, m = n - s, k = min(b, m - 1)
        let V = P, W = P + k * ld
        factorPanel(A + j0 * ld + s, rowStride: ld, rows: b, length: m, reflectors: k, tau: tau)
        for i in 0..<k {
          let row = V + i * ld, panelRow = A + (j0 + i) * ld + s
          row.update(repeating: 0, count: i)
          row[i] = 1
          (row + i + 1).update(from: panelRow + i + 1, count: m - i - 1)
        }
        HouseholderReflector.triangularFactor(V, ldv: ld, count: k, length: m, tau: tau, into: T, ldt: b, gram: gram)
        q.append(start: s, count: k, reflectors: V, ldv: ld, factor: T, ldt: b)

        // Yᵀ = Tᵀ·Vᵀ-rows, Xᵀ = Yᵀ·A₂₂ (into W), M = Yᵀ·X, Wᵀ = Xᵀ − ½·M·V.
        Double.gemm(
          transposeA: true, transposeB: false, m: k, n: m, k: k, alpha: 1, a: T, lda: b, b: V, ldb: ld,
          beta: 0, c: Y, ldc: ld)
        symmetricProduct(A + s * ld + s, rowStride: ld, order: m, rows: Y, count: k, ldy: ld, into: W)
        Double.gemm(
          transposeA: false, transposeB: true, m: k, n: k, k: m, alpha: 1, a: Y, lda: ld, b: W, ldb: ld,
          beta: 0, c: M, ldc: b)
        Double.gemm(
          transposeA: false, transposeB: false, m: k, n: m, k: k, alpha: -0.5, a: M, lda: b, b: V, ldb: ld,
          beta: 1, c: W, ldc: ld)

        // A₂₂ −= V·Wᵀ + W·Vᵀ = [V; W]ᵀ·[W; V], by blocks of rows (upper trapezoids).
        for i in 0..<k { (P + (2 * k + i) * ld).update(from: V + i * ld, count: m) }
        let tiles = (m + tileSize - 1) / tileSize
        forEachItem(tiles, costPerItem: tileSize * m * k) { tile in
          let r0 = tile * tileSize, rows = min(tileSize, m - r0)
          Double.gemm(
            transposeA: true, transposeB: false, m: rows, n: m - r0, k: 2 * k,
            alpha: -1, a: P + r0, lda: ld, b: W + r0, ldb: ld,
            beta: 1, c: A + (s + r0) * ld + s + r0, ldc: ld)
        }
        j0 += b
        try Task.checkCancellation()
      }
    }
  }

  /// The LQ factorisation of a panel, in place: the `rows × length` block at `p` becomes `L`
  /// (lower trapezoid, `β`s on its diagonal) with the tails of the first `count` reflectors to
  /// the right of the diagonal; their `τ` go to `tau`.
  private static func factorPanel(
    _ p: UnsafeMutablePointer<Double>, rowStride: Int, rows: Int, length m: Int, reflectors count: Int,
    tau: UnsafeMutablePointer<Double>
  ) {
    for i in 0..<count {
      let row = p + i * rowStride + i, size = m - i
      let (beta, t) = HouseholderReflector.make(alpha: row[0], x: row + 1, count: size - 1)
      tau[i] = t
      guard t != 0 else { continue }
      row[0] = 1
      for r in (i + 1)..<rows {
        let other = p + r * rowStride + i
        VectorKernels.axpy(-t * VectorKernels.dot(row, other, count: size), row, other, count: size)
      }
      row[0] = beta
    }
  }

  /// `Xᵀ = Yᵀ·S` (`count × m`, rows `ldy` apart, into `x`) for the symmetric `m × m` matrix `S`
  /// whose upper triangle is stored row-major at `s` (rows `rowStride` apart).
  ///
  /// By strips of ``tileSize`` columns, on both cores: strip `[c₀, c₁)` of `Xᵀ` is `Yᵀ[:, ..<c₁]`
  /// times the column strip of `S` above and in its diagonal tile (whose lower half is first
  /// mirrored from the upper, in the unused lower triangle), plus `Yᵀ[:, c₁...]` times the
  /// transposed row strip right of the tile. Every strip writes only its own columns.
  private static func symmetricProduct(
    _ s: UnsafeMutablePointer<Double>, rowStride: Int, order m: Int, rows y: UnsafePointer<Double>,
    count k: Int, ldy: Int, into x: UnsafeMutablePointer<Double>
  ) {
    let tiles = (m + tileSize - 1) / tileSize
    forEachItem(tiles, costPerItem: tileSize * m * k) { tile in
      let c0 = tile * tileSize, c1 = min(c0 + tileSize, m), width = c1 - c0
      for i in c0..<c1 {
        for j in c0..<i { s[i * rowStride + j] = s[j * rowStride + i] }
      }
      Double.gemm(
        transposeA: false, transposeB: false, m: k, n: width, k: c1, alpha: 1, a: y, lda: ldy,
        b: s + c0, ldb: rowStride, beta: 0, c: x + c0, ldc: ldy)
      if c1 < m {
        Double.gemm(
          transposeA: false, transposeB: true, m: k, n: width, k: m - c1, alpha: 1, a: y + c1, lda: ldy,
          b: s + c0 * rowStride + c1, ldb: rowStride, beta: 1, c: x + c0, ldc: ldy)
      }
    }
  }
}
