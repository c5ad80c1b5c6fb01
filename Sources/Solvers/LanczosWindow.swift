import Autodiff

/// The bounded basis of thick-restart ``Lanczos``: at most `capacity` orthonormal vectors of
/// length `n` (rows of one preallocated block) and the projected matrix `H = Vᵀ·A·V` over them.
struct LanczosWindow {
  let dimension: Int
  let capacity: Int
  /// Vectors currently held.
  private(set) var count = 0
  /// The most vectors held at any time.
  private(set) var peakCount = 0
  private var basis: [Double]
  private var projected: [Double]

  init(dimension n: Int, capacity m: Int) {
    dimension = n
    capacity = m
    basis = [Double](repeating: 0, count: m * n)
    projected = [Double](repeating: 0, count: m * m)
  }

  /// Basis vector `i`.
  func vector(_ i: Int) -> [Double] { Array(basis[(i * dimension)..<((i + 1) * dimension)]) }

  /// Adds a unit vector orthogonal to the window.
  mutating func append(_ v: [Double]) {
    precondition(count < capacity && v.count == dimension)
    basis.replaceSubrange((count * dimension)..<((count + 1) * dimension), with: v)
    count += 1
    peakCount = max(peakCount, count)
  }

  /// `w ← (I − V·Vᵀ)²·w` (classical Gram–Schmidt twice); returns the summed coefficients `Vᵀ·w`.
  @discardableResult
  func orthogonalize(_ w: inout [Double]) -> [Double] {
    let j = count, n = dimension
    var h = [Double](repeating: 0, count: j)
    var h2 = [Double](repeating: 0, count: j)
    basis.withUnsafeBufferPointer { v in
      w.withUnsafeMutableBufferPointer { w in
        h.withUnsafeMutableBufferPointer { h in
          h2.withUnsafeMutableBufferPointer { h2 in
            let V = v.baseAddress!, W = w.baseAddress!
            for pass in 0..<2 {
              let c = pass == 0 ? h.baseAddress! : h2.baseAddress!
              Double.gemm(transposeA: false, transposeB: false, m: j, n: 1, k: n, alpha: 1, a: V, lda: n, b: W, ldb: 1, beta: 0, c: c, ldc: 1)
              Double.gemm(transposeA: true, transposeB: false, m: n, n: 1, k: j, alpha: -1, a: V, lda: n, b: c, ldb: 1, beta: 1, c: W, ldc: 1)
            }
            for i in 0..<j { h[i] += h2[i] }
          }
        }
      }
    }
    return h
  }

  /// Orthogonalises `w = A·v_last` against the window and records its coefficients as row and
  /// column `last` of `H`.
  mutating func orthogonalizeRecordingColumn(_ w: inout [Double]) {
    let h = orthogonalize(&w)
    let c = count - 1, m = capacity
    for i in 0...c {
      projected[i * m + c] = h[i]
      projected[c * m + i] = h[i]
    }
  }

  /// Eigenpairs of the projected matrix over the current window.
  func projectedEigenpairs() throws -> ProjectedEigenpairs {
    let j = count, m = capacity
    var h = [Double](repeating: 0, count: j * j)
    for r in 0..<j {
      for c in 0..<j { h[r * j + c] = projected[r * m + c] }
    }
    let e = try SymmetricEigendecomposition(symmetric: h, dimension: j)
    return ProjectedEigenpairs(values: e.eigenvalues, vectors: e.eigenvectors)
  }

  /// The thick restart: replaces the window by the `low` smallest and `high` largest Ritz vectors
  /// of `ritz` (computed over the current window), on which `H` is diagonal. The caller then
  /// appends the last residual direction, whose coupling to them the next step records.
  mutating func restart(keeping selection: (low: Int, high: Int), of ritz: ProjectedEigenpairs) {
    let j = count, n = dimension, m = capacity
    precondition(ritz.values.count == j)
    let kept = Array(0..<selection.low) + Array((j - selection.high)..<j)
    let p = kept.count
    var y = [Double](repeating: 0, count: p * j)
    for (row, k) in kept.enumerated() {
      for c in 0..<j { y[row * j + c] = ritz.vectors[k * j + c] }
    }
    // New rows = Y·V, one block of columns at a time (all of a block is read before any is
    // written), so the scratch is p × block, not p × n.
    let block = Swift.min(n, Lanczos.restartColumnBlock)
    var scratch = [Double](repeating: 0, count: p * block)
    y.withUnsafeBufferPointer { y in
      basis.withUnsafeMutableBufferPointer { v in
        scratch.withUnsafeMutableBufferPointer { s in
          let V = v.baseAddress!, S = s.baseAddress!
          for c0 in stride(from: 0, to: n, by: block) {
            let width = Swift.min(block, n - c0)
            Double.gemm(
              transposeA: false, transposeB: false, m: p, n: width, k: j, alpha: 1, a: y.baseAddress!, lda: j,
              b: V + c0, ldb: n, beta: 0, c: S, ldc: width)
            for r in 0..<p { (V + r * n + c0).update(from: S + r * width, count: width) }
          }
        }
      }
    }
    projected.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    for (row, k) in kept.enumerated() { projected[row * m + row] = ritz.values[k] }
    count = p
  }

  /// `y_k = V·s_k` for the Ritz pairs `indices` of `ritz`, as one GEMM with the window.
  func ritzVectors(_ indices: [Int], of ritz: ProjectedEigenpairs) -> [[Double]] {
    guard !indices.isEmpty else { return [] }
    let j = count, n = dimension
    var selected = [Double](repeating: 0, count: indices.count * j)
    for (row, k) in indices.enumerated() {
      for c in 0..<j { selected[row * j + c] = ritz.vectors[k * j + c] }
    }
    var y = [Double](repeating: 0, count: indices.count * n)
    selected.withUnsafeBufferPointer { s in
      basis.withUnsafeBufferPointer { v in
        y.withUnsafeMutableBufferPointer { y in
          Double.gemm(
            transposeA: false, transposeB: false, m: indices.count, n: n, k: j,
            alpha: 1, a: s.baseAddress!, lda: j, b: v.baseAddress!, ldb: n, beta: 0, c: y.baseAddress!, ldc: n)
        }
      }
    }
    return (0..<indices.count).map { r in
      var v = Array(y[(r * n)..<((r + 1) * n)])
      scale(1 / norm(v), &v)  // unit to working precision even after many restarts
      return v
    }
  }
}

/// Eigenpairs of the projected matrix `H`: values ascending, eigenvectors as rows.
struct ProjectedEigenpairs {
  let values: [Double]
  let vectors: [Double]

  static let empty = ProjectedEigenpairs(values: [], vectors: [])

  /// The last component of eigenvector `k`: its residual is `β·|lastComponent(k)|`.
  func lastComponent(_ k: Int) -> Double { vectors[k * values.count + values.count - 1] }

  var ascendingOrder: [Int] { Array(values.indices) }

  /// Whether the `smallest` lowest and `largest` highest pairs have `β·|s_last| ≤ tolerance·max|θ|`.
  func converged(smallest: Int, largest: Int, residualNorm beta: Double, tolerance: Double) -> Bool {
    let j = values.count
    guard j > 0 else { return false }
    let magnitude = max(abs(values[0]), abs(values[j - 1]))
    let requested = Array(0..<min(smallest, j)) + Array((j - min(largest, j))..<j)
    return requested.allSatisfy { beta * abs(lastComponent($0)) <= tolerance * magnitude }
  }
}
