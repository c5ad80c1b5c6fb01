import Autodiff
import Testing

@Suite("Tensors and the random generator")
struct TensorTests {
  @Test func seededStreamsRepeat() {
    var a = SeededRandom(seed: 123), b = SeededRandom(seed: 123), c = SeededRandom(seed: 124)
    let xs = (0..<10).map { _ in a.next() }
    #expect(xs == (0..<10).map { _ in b.next() })
    #expect(xs != (0..<10).map { _ in c.next() })
  }

  @Test func distributionsHaveTheirMoments() {
    var rng = SeededRandom(seed: 1)
    let n = 200_000
    let u = (0..<n).map { _ in rng.uniform() }
    let z = (0..<n).map { _ in rng.normal() }
    let l = (0..<n).map { _ in rng.laplace(scale: 2) }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    func variance(_ v: [Double]) -> Double { let m = mean(v); return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count) }
    #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(Swift.abs(mean(u) - 0.5) < 0.005 && Swift.abs(variance(u) - 1.0 / 12) < 0.002)
    #expect(Swift.abs(mean(z)) < 0.01 && Swift.abs(variance(z) - 1) < 0.02)
    #expect(Swift.abs(mean(l)) < 0.03 && Swift.abs(variance(l) - 8) < 0.2)  // Laplace(b): variance 2b²
  }

  /// Naive index arithmetic as the reference for the strided kernels.
  static func index(_ i: [Int], _ shape: [Int]) -> Int { zip(i, shape.rowMajorStrides).reduce(0) { $0 + $1.0 * $1.1 } }
  static func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var r = flat
    return shape.rowMajorStrides.map { s in defer { r %= s }; return r / s }
  }

  @Test func permuteMatchesIndexArithmetic() {
    var rng = SeededRandom(seed: 2)
    let x = Tensor<Double>.normal([2, 3, 4, 5], using: &rng)
    for perm in [[3, 2, 1, 0], [0, 2, 3, 1], [1, 0, 3, 2], [0, 1, 3, 2]] {
      let y = x.permuted(perm)
      for flat in 0..<y.count {
        let i = Self.unravel(flat, y.shape)
        var src = [Int](repeating: 0, count: 4)
        for (d, p) in perm.enumerated() { src[p] = i[d] }
        #expect(y.scalars[flat] == x.scalars[Self.index(src, x.shape)])
      }
    }
  }

  @Test func broadcastAndSumAreAdjoint() {
    var rng = SeededRandom(seed: 3)
    for (small, big) in [([3, 1], [2, 3, 4]), ([1, 4], [3, 4]), ([5], [2, 1, 5]), ([2, 1, 1], [2, 3, 4]), ([], [3, 2])] {
      let a = Tensor<Double>.normal(small, using: &rng), b = Tensor<Double>.normal(big, using: &rng)
      let lhs = a.broadcast(to: big).dot(b)
      let rhs = b.summed(toShape: small).dot(a)
      #expect(Swift.abs(lhs - rhs) < 1e-12 * Swift.max(1, Swift.abs(lhs)))
      // Broadcast copies agree with elementwise addition to zeros.
      #expect(a.broadcast(to: big) == a + Tensor(zeros: big))
    }
  }

  @Test func binaryBroadcastMatchesIndexArithmetic() {
    var rng = SeededRandom(seed: 4)
    let a = Tensor<Double>.normal([2, 1, 4], using: &rng), b = Tensor<Double>.normal([3, 1], using: &rng)
    let c = a * b
    #expect(c.shape == [2, 3, 4])
    for flat in 0..<c.count {
      let i = Self.unravel(flat, c.shape)
      #expect(c.scalars[flat] == a.scalars[Self.index([i[0], 0, i[2]], a.shape)] * b.scalars[Self.index([i[1], 0], b.shape)])
    }
  }

  @Test func sliceThenPadRestoresZeros() {
    let x = Tensor<Float>(shape: [2, 4], scalars: (0..<8).map(Float.init))
    let s = x.sliced(axis: 1, 1..<3)
    #expect(s.scalars == [1, 2, 5, 6])
    #expect(s.padded(axis: 1, before: 1, after: 1).scalars == [0, 1, 2, 0, 0, 5, 6, 0])
    #expect(Tensor.concatenated([s, s], axis: 0).shape == [4, 2])
  }

  @Test func matmulBatchesAgreeWithLoops() {
    var rng = SeededRandom(seed: 5)
    let a = Tensor<Double>.normal([3, 2, 4], using: &rng), b = Tensor<Double>.normal([4, 5], using: &rng)
    let c = a.matmul(b)
    for i in 0..<3 {
      let ai = a.sliced(axis: 0, i..<(i + 1)).reshaped([2, 4])
      #expect((c.sliced(axis: 0, i..<(i + 1)).reshaped([2, 5]) - ai.matmul(b)).maxAbs() < 1e-12)
    }
    let bt = b.permuted([1, 0])
    #expect((a.matmul(bt, transposeOther: true) - c).maxAbs() < 1e-12)
  }
}
