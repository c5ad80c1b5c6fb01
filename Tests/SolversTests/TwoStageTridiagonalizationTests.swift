import Autodiff
import Testing

@testable import Solvers

/// The two stages of the tridiagonalisation against dense reconstructions (`A = Q₁·B·Q₁ᵀ`,
/// `B = Q₂·T·Q₂ᵀ`), and the dense eigensolver built on them against known spectra: graded,
/// clustered, singular, Wilkinson-like and random, at sizes around the panel and band widths.
struct TwoStageTridiagonalizationTests {
  /// A random symmetric matrix (row-major, both triangles).
  func randomSymmetric(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        a[i * n + j] = rng.normal()
        a[j * n + i] = a[i * n + j]
      }
    }
    return a
  }

  /// The orthogonal matrix whose products `multiply` computes, as `Qᵀ` (row `i` is `Q·e_i`).
  func formTransposed(_ n: Int, _ multiply: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
    var m = TestMatrices.identity(n)
    m.withUnsafeMutableBufferPointer { multiply($0.baseAddress!) }
    return m
  }

  /// `max |Qᵀ·A·Q − B|` for `Qᵀ` given row-major.
  func reconstructionError(_ a: [Double], _ b: [Double], qTransposed qt: [Double], _ n: Int) -> Double {
    var worst = 0.0
    // (Qᵀ·A·Q)[i, j] = Σ_kl Qᵀ[i, k]·A[k, l]·Qᵀ[j, l]
    var aq = [Double](repeating: 0, count: n * n)  // A·Q, (A·Q)[k, j] = Σ_l A[k, l]·Qᵀ[j, l]
    for k in 0..<n {
      for j in 0..<n {
        var s = 0.0
        for l in 0..<n { s += a[k * n + l] * qt[j * n + l] }
        aq[k * n + j] = s
      }
    }
    for i in 0..<n {
      for j in 0..<n {
        var s = 0.0
        for k in 0..<n { s += qt[i * n + k] * aq[k * n + j] }
        worst = max(worst, abs(s - b[i * n + j]))
      }
    }
    return worst
  }

  func orthogonalityError(_ qt: [Double], _ n: Int) -> Double {
    var worst = 0.0
    for i in 0..<n {
      for j in i..<n {
        var s = 0.0
        for k in 0..<n { s += qt[i * n + k] * qt[j * n + k] }
        worst = max(worst, abs(s - (i == j ? 1 : 0)))
      }
    }
    return worst
  }

  @Test(arguments: [(1, 8), (9, 8), (10, 8), (40, 8), (97, 8), (97, 32), (130, 32)])
  func bandReductionReconstructs(_ n: Int, _ b: Int) throws {
    let a = randomSymmetric(n, seed: UInt64(n * 100 + b))
    let reduction = try BandReduction(symmetric: a, dimension: n, bandwidth: b)
    var band = [Double](repeating: 0, count: n * n)
    for r in 0..<n {
      for d in 0...b where r + d < n {
        band[r * n + r + d] = reduction.band[r * (b + 1) + d]
        band[(r + d) * n + r] = reduction.band[r * (b + 1) + d]
      }
    }
    let qt = formTransposed(n) { reduction.reflectors.multiply(rowsOf: $0, rowCount: n, ldm: n, transposed: false) }
    let scale = TestMatrices.maxAbs(a) * Double(n)
    #expect(orthogonalityError(qt, n) <= 20 * Double(n) * .ulpOfOne)
    #expect(reconstructionError(a, band, qTransposed: qt, n) <= 20 * .ulpOfOne * scale)
  }

  /// Rows padded apart (as the eigendecomposition stores them, off a multiple of 512 bytes) give
  /// the same band and reflectors as rows stored back to back; the padding is never read.
  @Test(arguments: [(97, 8), (130, 32), (256, 32)])
  func paddedRowsReduceAlike(_ n: Int, _ b: Int) throws {
    let a = randomSymmetric(n, seed: UInt64(n + 7 * b))
    let ld = BandReduction.paddedStride(n)
    #expect(ld >= n && ld % 8 == 0 && (ld / 8) % 2 == 1)
    var padded = [Double](repeating: .nan, count: n * ld)
    for i in 0..<n {
      for j in 0..<n { padded[i * ld + j] = a[i * n + j] }
    }
    let plain = try BandReduction(symmetric: a, dimension: n, bandwidth: b)
    let strided = try BandReduction(symmetric: padded, dimension: n, rowStride: ld, bandwidth: b)
    let scale = TestMatrices.maxAbs(a) * Double(n)
    #expect(zip(strided.band, plain.band).map { abs($0 - $1) }.max()! <= 20 * .ulpOfOne * scale)
    let (q1, q2) = (formTransposed(n) { plain.reflectors.multiply(rowsOf: $0, rowCount: n, ldm: n, transposed: false) },
                    formTransposed(n) { strided.reflectors.multiply(rowsOf: $0, rowCount: n, ldm: n, transposed: false) })
    #expect(zip(q1, q2).map { abs($0 - $1) }.max()! <= 20 * Double(n) * .ulpOfOne)
  }

  @Test(arguments: [(3, 1), (12, 4), (50, 3), (100, 8), (200, 8), (300, 32)])
  func bulgeChasingReconstructs(_ n: Int, _ b: Int) throws {
    var rng = SeededRandom(seed: UInt64(n + b))
    var band = [Double](repeating: 0, count: n * (b + 1)), dense = [Double](repeating: 0, count: n * n)
    for r in 0..<n {
      for d in 0...b where r + d < n {
        let x = rng.normal()
        band[r * (b + 1) + d] = x
        dense[r * n + r + d] = x
        dense[(r + d) * n + r] = x
      }
    }
    let chase = try BulgeChasing(band: band, dimension: n, bandwidth: b)
    var t = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      t[i * n + i] = chase.diagonal[i]
      if i + 1 < n {
        t[i * n + i + 1] = chase.offDiagonal[i]
        t[(i + 1) * n + i] = chase.offDiagonal[i]
      }
    }
    let qt = formTransposed(n) { chase.reflectors.multiply(rowsOf: $0, rowCount: n, ldm: n, transposed: false) }
    let scale = TestMatrices.maxAbs(dense) * Double(b + 1)
    #expect(orthogonalityError(qt, n) <= 20 * Double(n) * .ulpOfOne)
    #expect(reconstructionError(dense, t, qTransposed: qt, n) <= 20 * Double(n).squareRoot() * .ulpOfOne * scale)
    // The pipelined chase gives the serial order's result, run after run.
    let again = try BulgeChasing(band: band, dimension: n, bandwidth: b)
    #expect(again.diagonal == chase.diagonal && again.offDiagonal == chase.offDiagonal)
  }

  // MARK: - The dense eigensolver

  /// `Q·diag(λ)·Qᵀ` decomposed: eigenvalues, residuals and orthogonality within `10·n·ε·‖A‖`,
  /// and `apply` against the exact `Q·f(Λ)·Qᵀ·b` for one vector and for several at once.
  func check(_ lambda: [Double], seed: UInt64, _ name: String) throws {
    let n = lambda.count
    let q = TestMatrices.randomOrthogonal(n, seed: seed)
    let (e, scale, bound) = try TestMatrices.checkDecomposition(lambda, seed: seed, name)

    // f(A)·b = Q·f(Λ)·Qᵀ·b with f(λ) = λ² + 1: well conditioned whatever the spectrum.
    func f(_ x: Double) -> Double { x * x / (scale * scale) + 1 }
    let vectors = (0..<3).map { TestMatrices.randomVector(n, seed: seed + UInt64($0)) }
    let batch = try e.apply(f, to: vectors)
    for (b, x) in zip(vectors, batch) {
      var qtb = [Double](repeating: 0, count: n)
      for k in 0..<n { for i in 0..<n { qtb[k] += q[i * n + k] * b[i] } }
      let expected = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + q[i * n + $1] * f(lambda[$1]) * qtb[$1] } }
      let tolerance = bound * 4 * TestMatrices.norm(b)
      #expect(TestMatrices.distance(x, expected) <= tolerance, "\(name): apply error")
      #expect(TestMatrices.distance(try e.apply(f, to: b), x) <= tolerance, "\(name): batched apply differs")
    }
  }

  @Test(arguments: [1, 2, 3, 31, 32, 33, 34, 64, 65, 97, 128, 129, 200])
  func randomSpectraAroundThePanelWidth(_ n: Int) throws {
    var rng = SeededRandom(seed: UInt64(7 * n))
    try check((0..<n).map { _ in rng.normal() }, seed: UInt64(n), "random \(n)")
  }

  @Test func gradedSpectrumLikeAGramMatrix() throws {
    let n = 301
    try check((0..<n).map { Double.pow(10, -10 * Double($0) / Double(n - 1)) }, seed: 51, "graded 1e-10…1")
  }

  @Test func clusteredAndExactlyDegenerateSpectra() throws {
    // Two thirds exact zeros, the rest in two clusters of width 1e-12.
    let n = 400
    let lambda = (0..<n).map { i -> Double in i % 3 != 0 ? 0 : (i % 2 == 0 ? 1 : 0.25) + Double(i) * 1e-15 }
    try check(lambda, seed: 52, "singular and clustered")
    try check([Double](repeating: 3, count: 97), seed: 53, "a multiple of the identity")
  }

  @Test func wilkinsonSpectrum() throws {
    // The eigenvalues of W⁺₁₂₁: pairs agreeing to many digits.
    let n = 121, m = n / 2
    var d = (0..<n).map { Double(abs($0 - m)) }
    var e = [Double](repeating: 1, count: n - 1)
    try SymmetricTridiagonalEigensolver.diagonalize(diagonal: &d, offDiagonal: &e)
    try check(d, seed: 54, "Wilkinson")
  }
}
