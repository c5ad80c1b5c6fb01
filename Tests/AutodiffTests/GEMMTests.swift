import Dispatch
import Testing

@testable import Autodiff

/// The blocked GEMM against a naive triple loop (accumulated in Double), over odd sizes, every
/// transpose combination, padded leading dimensions, α/β cases and both precisions.
@Suite struct GEMMTests {
  /// `C ← α·op(A)·op(B) + β·C`, the plain definition; β = 0 ignores C.
  static func referenceGEMM<T: TensorScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T, a: [T], lda: Int,
    b: [T], ldb: Int, beta: T, c: inout [T], ldc: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k {
          let av = transposeA ? a[p * lda + i] : a[i * lda + p]
          let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
          s += Double(av) * Double(bv)
        }
        c[i * ldc + j] = T(Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])))
      }
    }
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var m: Int, n: Int, k: Int
    var testDescription: String { "\(m)×\(n)×\(k)" }
  }

  static let sizes: [Case] = [
    Case(m: 1, n: 1, k: 1), Case(m: 3, n: 17, k: 31), Case(m: 17, n: 3, k: 5), Case(m: 31, n: 33, k: 17),
    Case(m: 33, n: 65, k: 100), Case(m: 65, n: 100, k: 3), Case(m: 100, n: 1, k: 33), Case(m: 1, n: 100, k: 65),
    Case(m: 1, n: 1, k: 100), Case(m: 12, n: 49, k: 300), Case(m: 10, n: 1, k: 588), Case(m: 2, n: 40, k: 7),
    // Past one k block (256), and large enough to be split across cores.
    Case(m: 130, n: 70, k: 600),
  ]

  /// Runs one product through `gemm` with padded leading dimensions and checks it against the
  /// reference: |error| ≤ 8·ε·(k + 2)·(|α| + |β|) for entries in [-1, 1].
  static func check<T: TensorScalar>(
    _: T.Type, _ s: Case, transposeA: Bool, transposeB: Bool, alpha: T, beta: T, seed: UInt64
  ) {
    var rng = SeededRandom(seed: seed)
    let (m, n, k) = (s.m, s.n, s.k)
    let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 1, ldc = n + 2
    let a = (0..<((transposeA ? k : m) * lda)).map { _ in T(rng.uniform(-1, 1)) }
    let b = (0..<((transposeB ? n : k) * ldb)).map { _ in T(rng.uniform(-1, 1)) }
    // β = 0 must not read C: fill it with NaN.
    var c = (0..<(m * ldc)).map { _ in beta == 0 ? T.nan : T(rng.uniform(-1, 1)) }
    var expected = c
    referenceGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &expected, ldc: ldc)
    T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    let tolerance = 8 * Double(T.ulpOfOne) * Double(k + 2) * (Double(abs(alpha)) + Double(abs(beta)))
    var worst = 0.0
    for i in 0..<m {
      for j in 0..<n { worst = max(worst, abs(Double(c[i * ldc + j]) - Double(expected[i * ldc + j]))) }
      // The padding between rows is never written.
      for j in n..<ldc {
        let (got, want) = (c[i * ldc + j], expected[i * ldc + j])
        #expect(got == want || (got.isNaN && want.isNaN), "padding of row \(i) written")
      }
    }
    #expect(worst <= tolerance, "\(T.self) \(s.testDescription) tA \(transposeA) tB \(transposeB) α \(alpha) β \(beta): error \(worst)")
  }

  @Test(arguments: sizes)
  func allTransposesAndScalings(_ s: Case) {
    var seed: UInt64 = 1
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        for (alpha, beta) in [(1.0, 0.0), (-0.5, 2.0), (2.0, 1.0)] {
          seed += 1
          Self.check(Float.self, s, transposeA: transposeA, transposeB: transposeB, alpha: Float(alpha), beta: Float(beta), seed: seed)
          Self.check(Double.self, s, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta, seed: seed)
        }
      }
    }
  }

  @Test func wideBlocksCrossEveryCacheBlock() {
    // n beyond one packed B block (1024 floats / 512 doubles) and k beyond one k block.
    Self.check(Float.self, Case(m: 26, n: 1100, k: 300), transposeA: false, transposeB: false, alpha: 1, beta: 0, seed: 7)
    Self.check(Double.self, Case(m: 26, n: 600, k: 300), transposeA: true, transposeB: true, alpha: 1, beta: 0.5, seed: 8)
    // m beyond one packed A block (120 rows).
    Self.check(Double.self, Case(m: 250, n: 20, k: 30), transposeA: false, transposeB: true, alpha: 1, beta: 0, seed: 9)
  }

  @Test func emptyProductsScaleC() {
    var c: [Double] = [1, 2, 3, 4]
    Double.gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1, a: [], lda: 1, b: [], ldb: 2,
                beta: 3, c: &c, ldc: 2)
    #expect(c == [3, 6, 9, 12])
    var d: [Float] = [.nan, .nan]
    Float.gemm(transposeA: false, transposeB: false, m: 1, n: 2, k: 3, alpha: 0, a: [1, 2, 3], lda: 3,
               b: [1, 2, 3, 4, 5, 6], ldb: 2, beta: 0, c: &d, ldc: 2)
    #expect(d == [0, 0])
  }

  /// `X·Xᵀ` and `Xᵀ·X` with the same buffer on both sides take the triangle-and-mirror path.
  @Test(arguments: [(30, 7), (100, 50), (300, 40)])
  func symmetricProducts(_ size: (Int, Int)) {
    let (n, k) = size
    var rng = SeededRandom(seed: UInt64(n))
    let x = (0..<(n * (k + 1))).map { _ in rng.uniform(-1, 1) }
    for transposed in [false, true] {
      // X is n×k with ld k+1, or (transposed) k×n with ld n+1: reuse the buffer prefix.
      let ld = transposed ? n + 1 : k + 1
      var c = [Double](repeating: .nan, count: n * n), expected = c
      x.withUnsafeBufferPointer { p in
        Double.gemm(transposeA: transposed, transposeB: !transposed, m: n, n: n, k: k, alpha: 0.5,
                    a: p.baseAddress!, lda: ld, b: p.baseAddress!, ldb: ld, beta: 0, c: &c, ldc: n)
      }
      Self.referenceGEMM(transposeA: transposed, transposeB: !transposed, m: n, n: n, k: k, alpha: 0.5,
                         a: x, lda: ld, b: x, ldb: ld, beta: 0, c: &expected, ldc: n)
      let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-13 * Double(k), "n \(n) k \(k) transposed \(transposed): error \(worst)")
      #expect((0..<n).allSatisfy { i in (0..<n).allSatisfy { j in c[i * n + j] == c[j * n + i] } })
    }
  }

  @Test(arguments: [(3, 5, 7, 4), (40, 12, 49, 300), (2, 130, 70, 600)])
  func batchedWithSharedOperands(_ sizes: (Int, Int, Int, Int)) {
    let (batch, m, n, k) = sizes
    var rng = SeededRandom(seed: 42)
    for (shareA, shareB) in [(true, false), (false, true), (false, false)] {
      for transposeA in [false, true] {
        let strideA = shareA ? 0 : m * k + 5, strideB = shareB ? 0 : k * n + 3, strideC = m * n + 1
        let a = (0..<(max(strideA, m * k) * batch)).map { _ in Float(rng.uniform(-1, 1)) }
        let b = (0..<(max(strideB, k * n) * batch)).map { _ in Float(rng.uniform(-1, 1)) }
        var c = [Float](repeating: .nan, count: strideC * batch)
        let lda = transposeA ? m : k
        Float.gemmBatched(
          batch: batch, transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: 1,
          a: a, lda: lda, strideA: strideA, b: b, ldb: n, strideB: strideB, beta: 0, c: &c, ldc: n, strideC: strideC)
        for e in 0..<batch {
          var expected = [Float](repeating: 0, count: m * n)
          Self.referenceGEMM(
            transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: 1,
            a: Array(a[(e * strideA)...]), lda: lda, b: Array(b[(e * strideB)...]), ldb: n, beta: 0, c: &expected, ldc: n)
          let worst = (0..<(m * n)).map { abs(Double(c[e * strideC + $0]) - Double(expected[$0])) }.max() ?? 0
          #expect(worst <= 1e-6 * Double(k), "batch entry \(e): error \(worst)")
          #expect(c[e * strideC + m * n].isNaN, "gap between batch entries written")
        }
      }
    }
  }

  /// Several threads multiplying at once, each with its own operands: the scratch pool and the
  /// worker pool must keep them apart.
  @Test func concurrentCallers() {
    let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: 8)
    defer { results.deallocate() }
    let box = UnsafeSendable(results)
    DispatchQueue.concurrentPerform(iterations: 8) { t in
      let (m, n, k) = (60 + t, 90, 200)
      var rng = SeededRandom(seed: UInt64(100 + t))
      let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
      var c = [Double](repeating: .nan, count: m * n), expected = c
      for _ in 0..<3 {
        Double.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                    beta: 0, c: &c, ldc: n)
      }
      GEMMTests.referenceGEMM(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
                              b: b, ldb: n, beta: 0, c: &expected, ldc: n)
      box.value[t] = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
    }
    #expect(results.allSatisfy { $0 <= 1e-12 })
  }
}
