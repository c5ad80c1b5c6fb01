import Testing

@testable import Autodiff

/// Broadcast binary ops large enough to be split across the cores (by rows, or by pieces of
/// rows) agree with index arithmetic, whatever dimensions broadcast (ranges start mid-odometer
/// and mid-row).
@Suite struct SplitBinaryTests {
  static func offset(_ index: [Int], in shape: [Int], rank: Int) -> Int {
    let padded = [Int](repeating: 1, count: rank - shape.count) + shape
    var o = 0
    for d in 0..<rank { o = o * padded[d] + (padded[d] == 1 ? 0 : index[d]) }
    return o
  }

  @Test(arguments: [
    ([196, 1, 12, 7, 7], [1, 12, 7, 7]),   // a batch of cotangents times one tensor
    ([3, 1, 301, 80], [7, 1, 80]),         // broadcasting in the middle, odd row count
    ([70_001], [1]),                        // one long row against a scalar
    ([5, 1], [5, 30_011]),                  // the first operand repeated along rows
    ([2, 3, 4, 5, 6, 7, 16], [3, 1, 5, 1, 7, 1]),
    ([196, 12, 12, 5, 5], [196, 12, 12, 5, 5]),  // same shapes: one row, split into pieces
    ([3, 40_000], [3, 1]),                        // fewer rows than pieces
  ])
  func splitRowsMatchIndexArithmetic(_ shapes: ([Int], [Int])) {
    var rng = SeededRandom(seed: 21)
    let a = Tensor<Double>.normal(shapes.0, using: &rng), b = Tensor<Double>.normal(shapes.1, using: &rng)
    let out = a * b
    let rank = out.rank, strides = out.shape.rowMajorStrides
    #expect(out.count >= Elementwise.parallelThreshold)
    var worst = 0.0
    for flat in 0..<out.count {
      let index = (0..<rank).map { flat / strides[$0] % out.shape[$0] }
      let want = a.scalars[Self.offset(index, in: a.shape, rank: rank)] * b.scalars[Self.offset(index, in: b.shape, rank: rank)]
      worst = Swift.max(worst, Swift.abs(out.scalars[flat] - want))
    }
    #expect(worst == 0)
    #expect(b - a == -(a - b))
  }
}
