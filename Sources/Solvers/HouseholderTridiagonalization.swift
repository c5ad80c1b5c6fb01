import Autodiff

/// `A = Q·T·Qᵀ` for a dense symmetric `A`: `T` symmetric tridiagonal, `Q` a product of Householder
/// reflectors (LAPACK's blocked `dsytrd`, in row-major storage).
///
/// Only the upper triangle is read and updated (row `k`, columns `≥ k`, which is column `k` below
/// the diagonal). Reflectors are formed in panels of ``panelSize`` columns. Within a panel each
/// step needs one product of the not-yet-updated trailing matrix with the new reflector — the only
/// level-2 work, one pass over the triangle split across the cores — plus small corrections from
/// the panel's earlier reflectors. After the panel the trailing triangle is updated by GEMMs,
/// `A ← A − V·Wᵀ − W·Vᵀ`, in row blocks. `Q` is applied afterwards as blocks of reflectors in
/// compact WY form, again by GEMMs.
struct HouseholderTridiagonalization {
  /// Columns reduced per panel before the trailing matrix is updated.
  static let panelSize = 32
  /// Rows of the trailing triangle updated by one GEMM (a trapezoid: the small triangle left of
  /// its diagonal is computed and ignored).
  static let updateBlockRows = 64
  /// Reflectors grouped into one block when applying `Q` (independent of `panelSize`).
  static let applicationBlockSize = 64

  let dimension: Int
  /// The diagonal of `T` (n entries).
  let diagonal: [Double]
  /// The off-diagonal of `T` (n − 1 entries).
  let offDiagonal: [Double]
  /// Row `k` holds reflector `v_k` in columns `k+1 ..< n` (with `v_k[k+1] = 1`); other entries are
  /// workspace. `H_k = I − τ_k·v_k·v_kᵀ` and `Q = H_0·H_1 ⋯ H_{n−2}`.
  private let reflectors: [Double]
  private let tau: [Double]

  /// Reduces the symmetric `n × n` row-major `matrix`; only its upper triangle is read. Throws
  /// `CancellationError` when the current task is cancelled (checked after each panel).
  init(symmetric matrix: consuming [Double], dimension n: Int) throws {
    precondition(matrix.count == n * n)
    dimension = n
    var a = consume matrix
    var d = [Double](repeating: 0, count: n)
    var e = [Double](repeating: 0, count: max(n - 1, 0))
    var tau = [Double](repeating: 0, count: max(n - 1, 0))
    if n > 0 {
      // Panel vectors as rows [V; W; V] (so that [V; W] and [W; V] are both contiguous), then
      // 2·panelSize correction coefficients and one accumulator of length n per extra piece of
      // the symmetric product.
      let count = 3 * Self.panelSize * n + 2 * Self.panelSize + (Self.productPieces - 1) * n
      var workspace = [Double](repeating: 0, count: count)
      try a.withUnsafeMutableBufferPointer { a in
        try workspace.withUnsafeMutableBufferPointer { workspace in
          try Self.reduce(a.baseAddress!, n: n, workspace: workspace.baseAddress!, d: &d, e: &e, tau: &tau)
        }
      }
    }
    diagonal = d
    offDiagonal = e
    reflectors = a
    self.tau = tau
  }

  private static func reduce(
    _ A: UnsafeMutablePointer<Double>, n: Int, workspace: UnsafeMutablePointer<Double>,
    d: inout [Double], e: inout [Double], tau: inout [Double]
  ) throws {
    let P = workspace
    let t1 = P + 3 * panelSize * n, t2 = t1 + panelSize, scratch = t2 + panelSize
    var j0 = 0
    while j0 < n - 1 {
      let panel = min(panelSize, n - 1 - j0)
      let W = P + panel * n  // w_i is row i of W, valid in columns > j0 + i
      for i in 0..<panel {
        let k = j0 + i
        let rowK = A + k * n
        // Bring row k up to date with the panel's earlier reflectors:
        // a_k −= V·W[k]ᵀ + W·V[k]ᵀ over columns k..<n.
        for p in 0..<i {
          let vp = A + (j0 + p) * n, wp = W + p * n
          VectorKernels.axpy(-wp[k], vp + k, rowK + k, count: n - k)
          VectorKernels.axpy(-vp[k], wp + k, rowK + k, count: n - k)
        }
        d[k] = rowK[k]
        // The reflector that zeroes a_k beyond the superdiagonal.
        let m = n - k - 1
        let v = rowK + k + 1
        let (beta, t) = householder(alpha: v[0], x: v + 1, count: m - 1)
        e[k] = beta
        tau[k] = t
        v[0] = 1
        // w = τ·(A₂₂ − V·Wᵀ − W·Vᵀ)·v, then w −= (τ/2)(wᵀv)·v, on components k+1..<n.
        let w = W + i * n + k + 1
        guard t != 0 else {
          w.update(repeating: 0, count: m)
          continue
        }
        upperSymmetricProduct(A + (k + 1) * n + (k + 1), rowStride: n, order: m, v, into: w, scratch: scratch)
        for p in 0..<i {
          t1[p] = VectorKernels.dot(W + p * n + k + 1, v, count: m)
          t2[p] = VectorKernels.dot(A + (j0 + p) * n + k + 1, v, count: m)
        }
        for p in 0..<i {
          VectorKernels.axpy(-t1[p], A + (j0 + p) * n + k + 1, w, count: m)
          VectorKernels.axpy(-t2[p], W + p * n + k + 1, w, count: m)
        }
        VectorKernels.scale(t, w, count: m)
        let alpha = -0.5 * t * VectorKernels.dot(w, v, count: m)
        VectorKernels.axpy(alpha, v, w, count: m)
      }
      // Trailing update of the upper triangle, A₂₂ −= V·Wᵀ + W·Vᵀ = [V; W]ᵀ·[W; V] (rows of P),
      // one GEMM with k = 2·panel per block of rows.
      let t0 = j0 + panel, mt = n - t0
      for i in 0..<panel {
        (P + i * n + t0).update(from: A + (j0 + i) * n + t0, count: mt)
        (P + (2 * panel + i) * n + t0).update(from: A + (j0 + i) * n + t0, count: mt)
      }
      var r0 = 0
      while r0 < mt {
        let rows = min(updateBlockRows, mt - r0)
        Double.gemm(
          transposeA: true, transposeB: false, m: rows, n: mt - r0, k: 2 * panel,
          alpha: -1, a: P + t0 + r0, lda: n, b: P + panel * n + t0 + r0, ldb: n,
          beta: 1, c: A + (t0 + r0) * n + t0 + r0, ldc: n)
        r0 += rows
      }
      j0 += panel
      try Task.checkCancellation()
    }
    d[n - 1] = A[(n - 1) * n + n - 1]
  }

  /// Pieces of equal area that the triangle of ``upperSymmetricProduct`` is cut into.
  static let productPieces = 8

  /// `y = S·v` for the symmetric `m × m` matrix `S` whose upper triangle is stored row-major (row
  /// `r` from its diagonal entry, rows `rowStride` apart). One pass over the triangle: row `r`
  /// gives `y[r]` a dot product and, by symmetry, adds `S[r, c]·v[r]` to every later `y[c]`.
  /// The rows are cut into pieces of equal area, shared out to the cores; each piece sums into
  /// its own accumulator (`y`, then `m` entries of `scratch` each), added up in a fixed order, so
  /// the result does not depend on which core ran which piece.
  private static func upperSymmetricProduct(
    _ S: UnsafePointer<Double>, rowStride: Int, order m: Int, _ v: UnsafePointer<Double>,
    into y: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
  ) {
    // Piece p starts at the row above which a fraction p/pieces of the triangle lies; it only
    // writes entries from its first row on.
    let pieces = productPieces
    func start(_ p: Int) -> Int {
      p == pieces ? m : m - Int((Double(m) * (1 - Double(p) / Double(pieces)).squareRoot()).rounded())
    }
    func accumulator(_ p: Int) -> UnsafeMutablePointer<Double> { p == 0 ? y : scratch + (p - 1) * m }
    forEachItem(pieces, costPerItem: m * m / (2 * pieces)) { piece in
      let first = start(piece), sums = accumulator(piece)
      (sums + first).update(repeating: 0, count: m - first)
      for r in first..<start(piece + 1) {
        upperRowProduct(S + r * rowStride + r, count: m - r, v + r, sums + r)
      }
    }
    y.update(repeating: 0, count: start(0))
    for piece in 1..<pieces {
      let first = start(piece)
      VectorKernels.axpy(1, accumulator(piece) + first, y + first, count: m - first)
    }
  }

  /// One row of ``upperSymmetricProduct``: `y[0] += Σ_c a[c]·v[c]`, `y[c] += a[c]·v[0]` for `c ≥ 1`.
  @inline(__always)
  private static func upperRowProduct(
    _ a: UnsafePointer<Double>, count: Int, _ v: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>
  ) {
    typealias Vector = VectorKernels.Vector
    let v0 = v[0], v0s = Vector(repeating: v0)
    var s0 = Vector(), s1 = Vector()
    var c = 1
    while c + 16 <= count {
      let a0 = VectorKernels.load(a + c), a1 = VectorKernels.load(a + c + 8)
      s0 = s0.addingProduct(a0, VectorKernels.load(v + c))
      s1 = s1.addingProduct(a1, VectorKernels.load(v + c + 8))
      VectorKernels.store(VectorKernels.load(y + c).addingProduct(v0s, a0), y + c)
      VectorKernels.store(VectorKernels.load(y + c + 8).addingProduct(v0s, a1), y + c + 8)
      c += 16
    }
    var sum = a[0] * v0 + (s0 + s1).sum()
    while c < count {
      sum += a[c] * v[c]
      y[c] += a[c] * v0
      c += 1
    }
    y[0] += sum
  }

  /// LAPACK's `dlarfg`: `β` and `τ` with `(I − τ·v·vᵀ)·(α, x) = (β, 0)`, `v = (1, x/(α − β))`;
  /// `x` is overwritten by `v`'s tail. `τ = 0` (no reflection) when `x` is already zero.
  private static func householder(alpha: Double, x: UnsafeMutablePointer<Double>, count: Int)
    -> (beta: Double, tau: Double)
  {
    guard count > 0 else { return (alpha, 0) }
    let xnorm = VectorKernels.dot(x, x, count: count).squareRoot()
    guard xnorm > 0 else { return (alpha, 0) }
    let length = SymmetricTridiagonalEigensolver.hypotenuse(alpha, xnorm)
    let beta = alpha >= 0 ? -length : length
    VectorKernels.scale(1 / (alpha - beta), x, count: count)
    return (beta, (beta - alpha) / beta)
  }

  /// `M ← M·Qᵀ` for a row-major `rowCount × n` matrix `M` (so each row `m` becomes `Q·m`).
  ///
  /// Blocks of reflectors `Q_b = I − V·T·Vᵀ` (`T` upper triangular, LAPACK's `dlarft`) are applied
  /// from the last to the first: `M ← M − ((M·V)·Tᵀ)·Vᵀ`, three GEMMs per block. Throws
  /// `CancellationError` when the current task is cancelled (checked after each block).
  func applyQTransposed(toRowsOf M: UnsafeMutablePointer<Double>, rowCount: Int) throws {
    let n = dimension
    guard n > 2, rowCount > 0 else { return }
    let nb = Self.applicationBlockSize
    let reflectorCount = n - 1
    var vBlock = [Double](repeating: 0, count: nb * n)
    var tFactor = [Double](repeating: 0, count: nb * nb)
    var x = [Double](repeating: 0, count: rowCount * nb)
    var y = [Double](repeating: 0, count: rowCount * nb)
    var products = [Double](repeating: 0, count: nb)
    try reflectors.withUnsafeBufferPointer { reflectors in
      let R = reflectors.baseAddress!
      try vBlock.withUnsafeMutableBufferPointer { vBlock in
        try tFactor.withUnsafeMutableBufferPointer { tFactor in
          try x.withUnsafeMutableBufferPointer { x in
            try y.withUnsafeMutableBufferPointer { y in
              let V = vBlock.baseAddress!, T = tFactor.baseAddress!, X = x.baseAddress!, Y = y.baseAddress!
              var start = ((reflectorCount - 1) / nb) * nb
              while start >= 0 {
                let count = min(nb, reflectorCount - start)
                // Reflectors start..<start+count act on components s..<n.
                let s = start + 1, length = n - s
                for p in 0..<count {
                  let row = V + p * length
                  row.update(repeating: 0, count: p)
                  row[p] = 1
                  (row + p + 1).update(from: R + (start + p) * n + s + p + 1, count: length - p - 1)
                }
                // T: T[i,i] = τ_i, T[0..<i, i] = −τ_i · T[0..<i, 0..<i] · (V[0..<i]·v_i).
                for i in 0..<count {
                  let ti = tau[start + i]
                  for p in 0..<i {
                    products[p] = -ti * VectorKernels.dot(V + p * length + i, V + i * length + i, count: length - i)
                  }
                  for p in 0..<i {
                    var sum = 0.0
                    for q in p..<i { sum += T[p * nb + q] * products[q] }
                    T[p * nb + i] = sum
                  }
                  for p in (i + 1)..<nb { T[p * nb + i] = 0 }
                  T[i * nb + i] = ti
                }
                Double.gemm(
                  transposeA: false, transposeB: true, m: rowCount, n: count, k: length,
                  alpha: 1, a: M + s, lda: n, b: V, ldb: length, beta: 0, c: X, ldc: nb)
                Double.gemm(
                  transposeA: false, transposeB: true, m: rowCount, n: count, k: count,
                  alpha: 1, a: X, lda: nb, b: T, ldb: nb, beta: 0, c: Y, ldc: nb)
                Double.gemm(
                  transposeA: false, transposeB: false, m: rowCount, n: length, k: count,
                  alpha: -1, a: Y, lda: nb, b: V, ldb: length, beta: 1, c: M + s, ldc: n)
                start -= nb
                try Task.checkCancellation()
              }
            }
          }
        }
      }
    }
  }
}
