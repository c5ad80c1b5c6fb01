import Autodiff
import Testing

@testable import Solvers

/// Divide and conquer on tridiagonal matrices with hard spectra (Wilkinson, glued Wilkinson,
/// graded, degenerate), against the QL/QR iteration and against the matrix itself, at sizes around
/// the leaf and parallel thresholds; and the dense eigensolver built on it at sizes up to 400.
struct TridiagonalDivideAndConquerTests {
  /// Decomposes `T = tridiag(e, d, e)` by divide and conquer and checks the residual
  /// `‖T·u − λ·u‖`, orthogonality and the eigenvalues against QL, all relative to `‖T‖`.
  func check(_ d: [Double], _ e: [Double], _ name: String) throws {
    let n = d.count
    var values = d
    var vectors = [Double](repeating: 0, count: n * n)
    try vectors.withUnsafeMutableBufferPointer {
      try TridiagonalDivideAndConquer.diagonalize(diagonal: &values, offDiagonal: e, vectors: $0.baseAddress!)
    }
    var reference = d, referenceE = e
    try SymmetricTridiagonalEigensolver.diagonalize(diagonal: &reference, offDiagonal: &referenceE)
    var norm = 0.0
    for i in 0..<n { norm = max(norm, abs(d[i]) + (i > 0 ? abs(e[i - 1]) : 0) + (i < n - 1 ? abs(e[i]) : 0)) }
    let bound = 4 * Double(n) * .ulpOfOne * max(norm, .leastNormalMagnitude)

    let sorted = values.sorted(), expected = reference.sorted()
    let valueError = zip(sorted, expected).map { abs($0 - $1) }.max() ?? 0
    #expect(valueError <= bound, "\(name): eigenvalue error \(valueError / norm) ‖T‖")
    var residual = 0.0, orthogonality = 0.0
    for k in 0..<n {
      let u = Array(vectors[(k * n)..<((k + 1) * n)])
      var r = 0.0
      for i in 0..<n {
        var t = d[i] * u[i] - values[k] * u[i]
        if i > 0 { t += e[i - 1] * u[i - 1] }
        if i < n - 1 { t += e[i] * u[i + 1] }
        r += t * t
      }
      residual = max(residual, r.squareRoot())
      for l in k..<n {
        var s = 0.0
        for i in 0..<n { s += u[i] * vectors[l * n + i] }
        orthogonality = max(orthogonality, abs(s - (k == l ? 1 : 0)))
      }
    }
    #expect(residual <= bound, "\(name): residual \(residual / norm) ‖T‖")
    #expect(orthogonality <= 4 * Double(n) * .ulpOfOne, "\(name): ‖UᵀU − I‖ = \(orthogonality)")
  }

  @Test(arguments: [1, 2, 5, 32, 33, 63, 100, 191, 257])
  func randomTridiagonal(_ n: Int) throws {
    var rng = SeededRandom(seed: UInt64(n))
    try check((0..<n).map { _ in rng.normal() }, (0..<max(n - 1, 0)).map { _ in rng.normal() }, "random \(n)")
  }

  @Test(arguments: [21, 101, 201])
  func wilkinson(_ n: Int) throws {
    // W⁺: d_i = |i − m|, e = 1, with pairs of eigenvalues agreeing to many digits.
    let m = n / 2
    try check((0..<n).map { Double(abs($0 - m)) }, [Double](repeating: 1, count: n - 1), "Wilkinson \(n)")
  }

  @Test func gluedWilkinson() throws {
    // Ten copies of W⁺₂₁ glued by 1e-12: clusters of ten eigenvalues each, within about 1e-12.
    var d: [Double] = [], e: [Double] = []
    for block in 0..<10 {
      d += (0..<21).map { Double(abs($0 - 10)) }
      e += [Double](repeating: 1, count: 20)
      if block < 9 { e.append(1e-12) }
    }
    try check(d, e, "glued Wilkinson")
  }

  @Test func gradedAndDegenerate() throws {
    let n = 300
    // Diagonal graded from 1 to 1e-10 with small couplings.
    try check((0..<n).map { Double.pow(10, -10 * Double($0) / Double(n - 1)) },
              (0..<(n - 1)).map { 1e-3 * Double.pow(10, -10 * Double($0) / Double(n - 1)) }, "graded")
    // Constant diagonal, zero off-diagonal (every z deflates), and a zero matrix.
    try check([Double](repeating: 2, count: n), [Double](repeating: 0, count: n - 1), "identity·2")
    try check([Double](repeating: 0, count: 70), [Double](repeating: 0, count: 69), "zero")
    // Decoupled blocks that are copies of each other: exact multiplicities across halves.
    var d: [Double] = [], e: [Double] = []
    for block in 0..<8 {
      d += [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
      e += [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
      if block < 7 { e.append(0) }
    }
    try check(d, e, "repeated blocks")
  }

  // MARK: - The dense solver on the new path

  @Test func denseSpectraAtSizesAroundTheThresholds() throws {
    var rng = SeededRandom(seed: 31)
    for n in [17, 33, 129, 255] {
      try TestMatrices.checkDecomposition((0..<n).map { _ in rng.normal() }, seed: UInt64(n), "random \(n)")
    }
  }

  @Test func denseGradedClusteredAndSingularAt400() throws {
    let n = 400
    // Graded over 1e-10 … 1, as a Gram matrix J·Jᵀ.
    try TestMatrices.checkDecomposition((0..<n).map { Double.pow(10, -10 * Double($0) / Double(n - 1)) }, seed: 3, "graded")
    // Rank 150 of 400: many exact zeros, and the rest in three tight clusters.
    let clustered = (0..<n).map { i -> Double in
      i < 250 ? 0 : [1, 1 + 1e-13, 0.5][i % 3] + Double(i) * 1e-15
    }
    try TestMatrices.checkDecomposition(clustered, seed: 4, "singular and clustered")
  }
}
