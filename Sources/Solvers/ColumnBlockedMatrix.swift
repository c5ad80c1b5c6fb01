/// A matrix stored as blocks of columns, each block row-major and contiguous: the layout in which
/// plane rotations of rows are applied (see ``PlaneRotationSequence``).
///
/// A block holds `8·vectorsPerRow` columns of every row, zero-padded at the right edge, and is
/// small enough to stay in a core's L2 cache while thousands of rotations pass over it. Blocks are
/// independent, so the cores share them out. The storage is owned by the caller's scope (see
/// ``withZeros(rowCount:columnCount:_:)``), so the type itself is a plain view.
struct ColumnBlockedMatrix {
  let rowCount: Int
  let columnCount: Int
  /// SIMD vectors (8 doubles each) per row of a block: 8, 4, 2 or 1.
  let vectorsPerRow: Int
  let base: UnsafeMutablePointer<SIMD8<Double>>

  /// Columns per block.
  var blockWidth: Int { 8 * vectorsPerRow }
  var blockCount: Int { (columnCount + blockWidth - 1) / blockWidth }

  /// The first vector of block `b` (its rows follow each other, `vectorsPerRow` vectors apart).
  func block(_ b: Int) -> UnsafeMutablePointer<SIMD8<Double>> { base + b * rowCount * vectorsPerRow }

  /// Runs `body` with a zero matrix of the given size, deallocated afterwards.
  static func withZeros<R, E: Error>(
    rowCount: Int, columnCount: Int, _ body: (ColumnBlockedMatrix) throws(E) -> R
  ) throws(E) -> R {
    // The widest block (at most 8 vectors) that keeps a block within 1 MiB, half the L2 cache,
    // and is not wider than the matrix.
    var v = 8
    while v > 1 && (rowCount * v * 64 > 1024 * 1024 || (v / 2) * 8 >= columnCount) { v /= 2 }
    let blocks = max(1, (columnCount + 8 * v - 1) / (8 * v))
    let base = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: blocks * rowCount * v)
    base.initialize(repeating: SIMD8<Double>(), count: blocks * rowCount * v)
    defer { base.deallocate() }
    return try body(ColumnBlockedMatrix(rowCount: rowCount, columnCount: columnCount, vectorsPerRow: v, base: base))
  }

  /// Entry `(row, column)`.
  subscript(row: Int, column: Int) -> Double {
    get { block(column / blockWidth)[row * vectorsPerRow + (column % blockWidth) / 8][column % 8] }
    nonmutating set {
      block(column / blockWidth)[row * vectorsPerRow + (column % blockWidth) / 8][column % 8] = newValue
    }
  }

  /// Copies row `rows[k]` to row `k` of the row-major `destination` (rows `rowStride` apart).
  func copyRows(_ rows: [Int], to destination: UnsafeMutablePointer<Double>, rowStride: Int) {
    let width = blockWidth, rowBytes = width * MemoryLayout<Double>.stride
    for b in 0..<blockCount {
      let source = UnsafeRawPointer(block(b))
      let column = b * width, count = min(width, columnCount - column)
      for (k, row) in rows.enumerated() {
        UnsafeMutableRawPointer(destination + k * rowStride + column)
          .copyMemory(from: source + row * rowBytes, byteCount: count * MemoryLayout<Double>.stride)
      }
    }
  }
}
