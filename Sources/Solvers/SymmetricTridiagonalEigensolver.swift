/// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit QL/QR iteration
/// with Wilkinson shifts (the algorithm of LAPACK's `dsteqr`).
///
/// Each unreduced block is iterated by QL or QR so that eigenvalues emerge at its end with the
/// smaller diagonal entry (LAPACK's choice, good for graded matrices); 2×2 blocks are solved in
/// closed form. The rotations are recorded and applied in batches to the rows of a caller's matrix
/// (see ``PlaneRotationSequence``): starting from the identity, row `k` becomes the eigenvector of
/// eigenvalue `k`. ``TridiagonalDivideAndConquer`` uses it for its small leaf blocks.
enum SymmetricTridiagonalEigensolver {
  /// Rotations recorded before they are applied in one batch.
  static let batchSize = 1 << 15

  /// Overwrites `diagonal` (n entries) with the eigenvalues, unsorted, and destroys `offDiagonal`
  /// (n − 1 entries: `offDiagonal[i]` couples rows `i` and `i + 1`).
  ///
  /// If `vectors` (with `n` rows) is given, its rows are rotated along: if it starts as the
  /// identity, row `k` ends as the eigenvector of `diagonal[k]`; if it starts as `Zᵀ` for an
  /// orthogonal `Z`, it ends as `(Z·S)ᵀ`. Passing only some columns of the identity yields only
  /// those components of every eigenvector.
  ///
  /// Throws ``SolverError/noConvergence(_:)`` after `30·n` sweeps without convergence, and
  /// `CancellationError` when the current task is cancelled (checked after each batch of rotations).
  static func diagonalize(
    diagonal d: inout [Double], offDiagonal e: inout [Double], rotating vectors: ColumnBlockedMatrix? = nil
  ) throws {
    let n = d.count
    precondition(vectors == nil || vectors!.rowCount == n, "the rotated matrix needs \(n) rows")
    guard n > 1 else { return }
    precondition(e.count >= n - 1, "off-diagonal needs \(n - 1) entries")

    // Scale by a power of two so that the largest entry is about 1: no intermediate quantity
    // (shifts, rotation lengths) can then overflow, and the scaling itself is exact.
    var largest = 0.0
    for x in d { largest = max(largest, abs(x)) }
    for i in 0..<(n - 1) { largest = max(largest, abs(e[i])) }
    guard largest > 0 else { return }
    let scale = powerOfTwoScale(for: largest)
    for i in 0..<n { d[i] *= scale }
    for i in 0..<(n - 1) { e[i] *= scale }

    let eps = Double.ulpOfOne / 2
    let eps2 = eps * eps
    let safmin = Double.leastNormalMagnitude
    let maxIterations = 30 * n
    var iterations = 0
    var rotations = PlaneRotationSequence(reservingCapacity: vectors == nil ? 0 : batchSize + n)

    func flushIfFull(_ force: Bool = false) throws {
      guard let vectors, rotations.count >= (force ? 1 : batchSize) else { return }
      rotations.apply(to: vectors)
      rotations.removeAll()
      try Task.checkCancellation()
    }
    let recording = vectors != nil

    var l1 = 0
    while l1 < n {
      // Split off the next unreduced block [l, lend]: zero negligible off-diagonal entries.
      if l1 > 0 { e[l1 - 1] = 0 }
      var m = l1
      while m < n - 1 {
        let test = abs(e[m])
        if test == 0 { break }
        if test <= (abs(d[m]).squareRoot() * abs(d[m + 1]).squareRoot()) * eps {
          e[m] = 0
          break
        }
        m += 1
      }
      var l = l1
      var lend = m
      l1 = m + 1
      if lend == l { continue }
      // Iterate from the end with the smaller diagonal entry (QL if that is the top).
      if abs(d[lend]) < abs(d[l]) { swap(&l, &lend) }

      if lend > l {
        // QL iteration: eigenvalues converge at the top, l moves down.
        while l <= lend {
          var m = l
          while m < lend {
            if e[m] * e[m] <= (eps2 * abs(d[m])) * abs(d[m + 1]) + safmin { break }
            m += 1
          }
          if m < lend { e[m] = 0 }
          if m == l {
            l += 1
            continue
          }
          if m == l + 1 {
            let (rt1, rt2, c, s) = symmetricTwoByTwo(d[l], e[l], d[l + 1])
            if recording { rotations.append(row: l, cosine: c, sine: s) }
            d[l] = rt1
            d[l + 1] = rt2
            e[l] = 0
            l += 2
            continue
          }
          guard iterations < maxIterations else { break }
          iterations += 1
          // Wilkinson shift from the leading 2×2, then one implicit sweep from m up to l.
          var p = d[l]
          var g = (d[l + 1] - p) / (2 * e[l])
          var r = hypotenuse(g, 1)
          g = d[m] - p + e[l] / (g + (g < 0 ? -r : r))
          var s = 1.0, c = 1.0
          p = 0
          for i in stride(from: m - 1, through: l, by: -1) {
            let f = s * e[i], b = c * e[i]
            (c, s, r) = givens(g, f)
            if i != m - 1 { e[i + 1] = r }
            g = d[i + 1] - p
            r = (d[i] - g) * s + 2 * c * b
            p = s * r
            d[i + 1] = g + p
            g = c * r - b
            if recording { rotations.append(row: i, cosine: c, sine: -s) }
          }
          d[l] -= p
          e[l] = g
          try flushIfFull()
        }
      } else {
        // QR iteration: eigenvalues converge at the bottom, l moves up.
        while l >= lend {
          var m = l
          while m > lend {
            if e[m - 1] * e[m - 1] <= (eps2 * abs(d[m])) * abs(d[m - 1]) + safmin { break }
            m -= 1
          }
          if m > lend { e[m - 1] = 0 }
          if m == l {
            l -= 1
            continue
          }
          if m == l - 1 {
            let (rt1, rt2, c, s) = symmetricTwoByTwo(d[l - 1], e[l - 1], d[l])
            if recording { rotations.append(row: l - 1, cosine: c, sine: s) }
            d[l - 1] = rt1
            d[l] = rt2
            e[l - 1] = 0
            l -= 2
            continue
          }
          guard iterations < maxIterations else { break }
          iterations += 1
          var p = d[l]
          var g = (d[l - 1] - p) / (2 * e[l - 1])
          var r = hypotenuse(g, 1)
          g = d[m] - p + e[l - 1] / (g + (g < 0 ? -r : r))
          var s = 1.0, c = 1.0
          p = 0
          for i in m..<l {
            let f = s * e[i], b = c * e[i]
            (c, s, r) = givens(g, f)
            if i != m { e[i - 1] = r }
            g = d[i] - p
            r = (d[i + 1] - g) * s + 2 * c * b
            p = s * r
            d[i] = g + p
            g = c * r - b
            if recording { rotations.append(row: i, cosine: c, sine: s) }
          }
          d[l] -= p
          e[l - 1] = g
          try flushIfFull()
        }
      }
      if iterations >= maxIterations {
        let unreduced = (0..<(n - 1)).filter { e[$0] != 0 }.count
        if unreduced > 0 {
          throw SolverError.noConvergence(
            "symmetric tridiagonal QL/QR: \(unreduced) of \(n) eigenvalues unresolved after \(maxIterations) sweeps")
        }
      }
    }
    try flushIfFull(true)
    for i in 0..<n { d[i] /= scale }
  }

  /// The permutation that sorts `values` ascending (stable, so ties keep their order).
  static func ascendingOrder(_ values: [Double]) -> [Int] {
    values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
  }

  // MARK: - Building blocks (LAPACK's dlaev2, dlartg, dlapy2)

  /// Eigen-decomposition of `[[a, b], [b, c]]`: `rt1` of larger absolute value, `rt2`, and the
  /// unit eigenvector `(cs, sn)` of `rt1`.
  static func symmetricTwoByTwo(_ a: Double, _ b: Double, _ c: Double)
    -> (rt1: Double, rt2: Double, cs: Double, sn: Double)
  {
    let sm = a + c, df = a - c, adf = abs(df), tb = b + b, ab = abs(tb)
    let (acmx, acmn) = abs(a) > abs(c) ? (a, c) : (c, a)
    let rt: Double
    if adf > ab {
      rt = adf * (1 + (ab / adf) * (ab / adf)).squareRoot()
    } else if adf < ab {
      rt = ab * (1 + (adf / ab) * (adf / ab)).squareRoot()
    } else {
      rt = ab * 2.0.squareRoot()
    }
    let rt1, rt2: Double
    let sgn1: Double
    if sm < 0 {
      rt1 = 0.5 * (sm - rt)
      sgn1 = -1
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b
    } else if sm > 0 {
      rt1 = 0.5 * (sm + rt)
      sgn1 = 1
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b
    } else {
      rt1 = 0.5 * rt
      rt2 = -0.5 * rt
      sgn1 = 1
    }
    let cs: Double, sgn2: Double
    if df >= 0 {
      cs = df + rt
      sgn2 = 1
    } else {
      cs = df - rt
      sgn2 = -1
    }
    var cs1: Double, sn1: Double
    if abs(cs) > ab {
      let ct = -tb / cs
      sn1 = 1 / (1 + ct * ct).squareRoot()
      cs1 = ct * sn1
    } else if ab == 0 {
      cs1 = 1
      sn1 = 0
    } else {
      let tn = -cs / tb
      cs1 = 1 / (1 + tn * tn).squareRoot()
      sn1 = tn * cs1
    }
    if sgn1 == sgn2 {
      let tn = cs1
      cs1 = -sn1
      sn1 = tn
    }
    return (rt1, rt2, cs1, sn1)
  }

  /// The rotation with `c·f + s·g = r`, `−s·f + c·g = 0`, `c ≥ 0`, computed without overflow.
  @inline(__always)
  static func givens(_ f: Double, _ g: Double) -> (c: Double, s: Double, r: Double) {
    if g == 0 { return (1, 0, f) }
    if f == 0 { return (0, g < 0 ? -1 : 1, abs(g)) }
    let af = abs(f), ag = abs(g)
    if af > 0x1p-500 && af < 0x1p500 && ag > 0x1p-500 && ag < 0x1p500 {
      let d = (f * f + g * g).squareRoot()
      let r = f < 0 ? -d : d
      return (af / d, g / r, r)
    }
    let u = max(af, ag)
    let fs = f / u, gs = g / u
    let d = (fs * fs + gs * gs).squareRoot()
    let r = f < 0 ? -d : d
    return (abs(fs) / d, gs / r, r * u)
  }

  /// `sqrt(a² + b²)` without overflow or destructive underflow.
  @inline(__always)
  static func hypotenuse(_ a: Double, _ b: Double) -> Double {
    let x = abs(a), y = abs(b)
    let w = max(x, y), z = min(x, y)
    if z == 0 || w > .greatestFiniteMagnitude { return w }
    return w * (1 + (z / w) * (z / w)).squareRoot()
  }
}
