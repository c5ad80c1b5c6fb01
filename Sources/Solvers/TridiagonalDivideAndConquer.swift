import Autodiff

/// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by Cuppen's divide and conquer
/// with Gu and Eisenstat's stable eigenvectors (the algorithm of LAPACK's `dstedc`, `dlaed0–4`).
///
/// `T` is torn at its middle into `diag(T₁, T₂) + ρ·w·wᵀ`; both halves are solved recursively
/// (on both cores), and the rank-one update of their combined spectrum `D + ρ·z·zᵀ` is solved by
/// the secular equation (``SecularEquation``). Before that, components of `z` below `8ε·‖T‖` and
/// pairs of poles closer than that (after a rotation that zeroes one `z` component) are deflated:
/// their eigenpairs are those of `D` unchanged, which is what makes graded, clustered and
/// degenerate spectra cheap and exact. The remaining eigenvectors come from Löwner's formula with
/// a recomputed `ẑ` (so they are numerically orthogonal however close the roots are) and are
/// multiplied into the halves' eigenvectors by GEMMs, separately for the top and bottom halves so
/// that the zeros of the block-diagonal factor cost nothing. Blocks of at most ``leafSize`` rows
/// are solved by the QL/QR iteration.
enum TridiagonalDivideAndConquer {
  /// Subproblems of at most this order are solved by ``SymmetricTridiagonalEigensolver`` (QL/QR).
  static let leafSize = 32
  /// Subproblems of at least this order solve their two halves concurrently.
  static let parallelSize = 192

  /// Overwrites `d` (n entries) with the eigenvalues, unsorted, and writes the eigenvectors to
  /// the rows of the row-major `n × n` matrix `vectors` (row `k` belongs to `d[k]`); `e` holds the
  /// `n − 1` off-diagonal entries. Throws ``SolverError/noConvergence(_:)`` if a leaf's QL
  /// iteration fails, `CancellationError` when the current task is cancelled.
  static func diagonalize(diagonal d: inout [Double], offDiagonal e: [Double], vectors: UnsafeMutablePointer<Double>) throws {
    let n = d.count
    guard n > 0 else { return }
    precondition(e.count >= n - 1, "off-diagonal needs \(n - 1) entries")
    vectors.update(repeating: 0, count: n * n)
    // Scale by a power of two (exact) so that the largest entry is about 1.
    var largest = 0.0
    for x in d { largest = max(largest, abs(x)) }
    for i in 0..<(n - 1) { largest = max(largest, abs(e[i])) }
    guard largest > 0 else {
      for i in 0..<n { vectors[i * n + i] = 1 }
      return
    }
    let scale = powerOfTwoScale(for: largest)
    var scaledE = e.prefix(n - 1).map { $0 * scale }
    for i in 0..<n { d[i] *= scale }
    try d.withUnsafeMutableBufferPointer { d in
      try scaledE.withUnsafeMutableBufferPointer { e in
        try solve(d.baseAddress!, e.baseAddress!, count: n, vectors: vectors, stride: n)
      }
    }
    for i in 0..<n { d[i] /= scale }
  }

  /// Solves the block of order `m` whose diagonal starts at `d` and off-diagonal at `e`; its
  /// eigenvectors go to the `m × m` block at `z` (rows `stride` apart), everything else untouched.
  private static func solve(
    _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, count m: Int,
    vectors z: UnsafeMutablePointer<Double>, stride n: Int
  ) throws {
    if m <= leafSize {
      try solveLeaf(d, e, count: m, vectors: z, stride: n)
      return
    }
    let k = m / 2
    let beta = e[k - 1]
    d[k - 1] -= abs(beta)
    d[k] -= abs(beta)
    let halves: [(offset: Int, count: Int)] = [(0, k), (k, m - k)]
    if m >= parallelSize {
      let failures = UnsafeMutablePointer<(any Error)?>.allocate(capacity: 2)
      failures.initialize(repeating: nil, count: 2)
      defer { failures.deinitialize(count: 2); failures.deallocate() }
      forEachItem(2, costPerItem: m * m * m) { h in
        let (o, c) = halves[h]
        do { try solve(d + o, e + o, count: c, vectors: z + o * n + o, stride: n) } catch { failures[h] = error }
      }
      if let error = failures[0] ?? failures[1] { throw error }
    } else {
      for (o, c) in halves { try solve(d + o, e + o, count: c, vectors: z + o * n + o, stride: n) }
    }
    try merge(d, count: m, split: k, coupling: beta, vectors: z, stride: n)
    try Task.checkCancellation()
  }

  /// A small block by QL/QR, its rotations applied to the identity.
  private static func solveLeaf(
    _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, count m: Int,
    vectors z: UnsafeMutablePointer<Double>, stride n: Int
  ) throws {
    var values = Array(UnsafeBufferPointer(start: d, count: m))
    var offDiagonal = Array(UnsafeBufferPointer(start: e, count: m - 1))
    try ColumnBlockedMatrix.withZeros(rowCount: m, columnCount: m) { q in
      for i in 0..<m { q[i, i] = 1 }
      try SymmetricTridiagonalEigensolver.diagonalize(diagonal: &values, offDiagonal: &offDiagonal, rotating: q)
      q.copyRows(Array(0..<m), to: z, rowStride: n)
    }
    d.update(from: values, count: m)
  }

  /// Which halves an eigenvector row of the merged problem has non-zero entries in.
  private enum Support: Int {
    case top = 0, both = 1, bottom = 2
  }

  /// Combines the solved halves `0..<k` and `k..<m`, coupled by `beta`, into the eigenpairs of
  /// the whole block (`dlaed1`–`dlaed3`).
  private static func merge(
    _ d: UnsafeMutablePointer<Double>, count m: Int, split k: Int, coupling beta: Double,
    vectors z: UnsafeMutablePointer<Double>, stride n: Int
  ) throws {
    // The halves' eigenvectors as rows of length m (zero outside their half).
    var q = [Double](repeating: 0, count: m * m)
    var weights = [Double](repeating: 0, count: m)
    var support = [Support](repeating: .top, count: m)
    let sign: Double = beta >= 0 ? 1 : -1
    let normalisation = (0.5 as Double).squareRoot()
    q.withUnsafeMutableBufferPointer { q in
      let Q = q.baseAddress!
      for r in 0..<k {
        (Q + r * m).update(from: z + r * n, count: k)
        weights[r] = normalisation * Q[r * m + k - 1]
      }
      for r in k..<m {
        (Q + r * m + k).update(from: z + r * n + k, count: m - k)
        weights[r] = normalisation * sign * Q[r * m + k]
        support[r] = .bottom
      }
    }
    let rho = 2 * abs(beta)

    // Deflation (dlaed2), visiting the poles in ascending order.
    let order = (0..<m).sorted { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }
    var largestPole = 0.0, largestWeight = 0.0
    for j in 0..<m {
      largestPole = max(largestPole, abs(d[j]))
      largestWeight = max(largestWeight, abs(weights[j]))
    }
    let tolerance = 8 * (Double.ulpOfOne / 2) * max(largestPole, largestWeight)
    var kept: [Int] = []
    var deflated: [Int] = []
    kept.reserveCapacity(m)
    if rho * largestWeight <= tolerance {
      deflated = order
    } else {
      var previous: Int? = nil
      for j in order {
        if rho * abs(weights[j]) <= tolerance {
          deflated.append(j)
          continue
        }
        guard let p = previous else {
          previous = j
          continue
        }
        // Rotate poles p and j so that z_p vanishes; deflate p if the off-diagonal this leaves
        // in D, (d_j − d_p)·c·s, is negligible.
        let length = SymmetricTridiagonalEigensolver.hypotenuse(weights[j], weights[p])
        let c = weights[j] / length, s = -weights[p] / length
        if abs((d[j] - d[p]) * c * s) <= tolerance {
          weights[j] = length
          weights[p] = 0
          q.withUnsafeMutableBufferPointer { q in
            let x = q.baseAddress! + p * m, y = q.baseAddress! + j * m
            for i in 0..<m {
              let xi = x[i], yi = y[i]
              x[i] = c * xi + s * yi
              y[i] = c * yi - s * xi
            }
          }
          if support[p] != support[j] { support[j] = .both }
          let dp = d[p] * c * c + d[j] * s * s
          d[j] = d[p] * s * s + d[j] * c * c
          d[p] = dp
          deflated.append(p)
        } else {
          kept.append(p)
        }
        previous = j
      }
      if let p = previous { kept.append(p) }
    }

    let count = kept.count
    let deflatedValues = deflated.map { d[$0] }
    let poles = kept.map { d[$0] }
    // Deflated pairs keep their vectors: rows count..<m of the block.
    q.withUnsafeBufferPointer { q in
      for (t, j) in deflated.enumerated() { (z + (count + t) * n).update(from: q.baseAddress! + j * m, count: m) }
    }
    for (t, value) in deflatedValues.enumerated() { d[count + t] = value }
    guard count > 0 else { return }

    // The secular equation on the kept poles, then Löwner's ẑ and the eigenvectors of
    // D + ρ·ẑ·ẑᵀ as rows `u[r]` (component j pairs with kept pole j).
    let z0 = kept.map { weights[$0] }
    var u = [Double](repeating: 0, count: count * count)
    var roots = [Double](repeating: 0, count: count)
    try poles.withUnsafeBufferPointer { poles in
      try z0.withUnsafeBufferPointer { z0 in
        try u.withUnsafeMutableBufferPointer { u in
          try roots.withUnsafeMutableBufferPointer { roots in
            try eigenvectorsOfRankOneUpdate(
              poles: poles.baseAddress!, weights: z0.baseAddress!, count: count, rho: rho,
              roots: roots.baseAddress!, vectors: u.baseAddress!)
          }
        }
      }
    }

    // New rows = u · (kept rows of q), top and bottom halves separately, with the kept poles
    // grouped by support (top-only, both, bottom-only) so each GEMM skips the known zeros.
    let grouped = (0..<count).sorted { (support[kept[$0]].rawValue, $0) < (support[kept[$1]].rawValue, $1) }
    let topCount = grouped.prefix { support[kept[$0]] != .bottom }.count
    let bottomStart = grouped.firstIndex { support[kept[$0]] != .top } ?? count
    var gatheredQ = [Double](repeating: 0, count: count * m)
    var gatheredU = [Double](repeating: 0, count: count * count)
    q.withUnsafeBufferPointer { q in
      gatheredQ.withUnsafeMutableBufferPointer { g in
        for (t, j) in grouped.enumerated() { (g.baseAddress! + t * m).update(from: q.baseAddress! + kept[j] * m, count: m) }
      }
    }
    for r in 0..<count {
      for (t, j) in grouped.enumerated() { gatheredU[r * count + t] = u[r * count + j] }
    }
    gatheredU.withUnsafeBufferPointer { gu in
      gatheredQ.withUnsafeBufferPointer { gq in
        let U = gu.baseAddress!, G = gq.baseAddress!
        for r in 0..<count { z.advanced(by: r * n).update(repeating: 0, count: m) }
        if topCount > 0 {
          Double.gemm(
            transposeA: false, transposeB: false, m: count, n: k, k: topCount, alpha: 1, a: U, lda: count,
            b: G, ldb: m, beta: 0, c: z, ldc: n)
        }
        if bottomStart < count {
          Double.gemm(
            transposeA: false, transposeB: false, m: count, n: m - k, k: count - bottomStart, alpha: 1,
            a: U + bottomStart, lda: count, b: G + bottomStart * m + k, ldb: m, beta: 0, c: z + k, ldc: n)
        }
      }
    }
    for r in 0..<count { d[r] = roots[r] }
  }

  /// The eigenvalues `roots` and unit eigenvectors (rows of `vectors`, `K × K`) of
  /// `diag(poles) + ρ·z·zᵀ` for strictly increasing poles and non-zero `z`. The roots come from
  /// the secular equation with their differences to every pole; `ẑ_j² = Π_r (λ_r − d_j) /
  /// Π_{r≠j} (d_r − d_j)` (Löwner) is the weight vector for which those roots are exact, and
  /// `u_r ∝ (D − λ_r)⁻¹·ẑ`, so the vectors are orthogonal to working precision.
  private static func eigenvectorsOfRankOneUpdate(
    poles d: UnsafePointer<Double>, weights z: UnsafePointer<Double>, count k: Int, rho: Double,
    roots: UnsafeMutablePointer<Double>, vectors u: UnsafeMutablePointer<Double>
  ) throws {
    // Row r of u holds d_j − λ_r first.
    Parallel.forEachChunk(k, costPerItem: 40 * k) { rows in
      for r in rows {
        roots[r] = SecularEquation.root(r, poles: d, weights: z, count: k, rho: rho, differences: u + r * k)
      }
    }
    try Task.checkCancellation()
    // Löwner: ẑ_j² = −(d_j − λ_j) · Π_{r≠j} (d_j − λ_r)/(d_j − d_r), accumulated row by row.
    var zHat = [Double](repeating: 0, count: k)
    zHat.withUnsafeMutableBufferPointer { zHat in
      let W = zHat.baseAddress!
      Parallel.forEachChunk(k, costPerItem: 4 * k) { columns in
        for j in columns { W[j] = u[j * k + j] }
        for r in 0..<k {
          let row = u + r * k, dr = d[r]
          for j in columns where j != r { W[j] *= row[j] / (d[j] - dr) }
        }
        for j in columns {
          let magnitude = max(0, -W[j]).squareRoot()
          W[j] = z[j] < 0 ? -magnitude : magnitude
        }
      }
      Parallel.forEachChunk(k, costPerItem: 3 * k) { rows in
        for r in rows {
          let row = u + r * k
          var sum = 0.0
          for j in 0..<k {
            row[j] = W[j] / row[j]
            sum += row[j] * row[j]
          }
          VectorKernels.scale(1 / sum.squareRoot(), row, count: k)
        }
      }
    }
  }
}
