import Autodiff

/// A dense `n × n` row-major matrix as a ``LinearOperator``: for small problems, tests, and for
/// checking the matrix-free path against the dense one on the same matrix.
public struct DenseMatrixOperator: LinearOperator, Sendable {
  public let dimension: Int
  /// The matrix, row-major.
  public let matrix: [Double]

  /// Wraps the `n × n` row-major `matrix`; throws for a wrong element count or a non-finite entry.
  public init(matrix: [Double], dimension n: Int) throws(SolverError) {
    guard n >= 0 else { throw .invalidArgument("matrix dimension \(n) is negative") }
    let (square, overflow) = n.multipliedReportingOverflow(by: n)
    guard !overflow, matrix.count == square else { throw .notSquare(elementCount: matrix.count, dimension: n) }
    if let index = matrix.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteMatrixEntry(row: index / n, column: index % n)
    }
    dimension = n
    self.matrix = matrix
  }

  public func apply(_ x: [Double]) throws -> [Double] {
    try SolverError.check(x, count: dimension, argument: "operator input")
    let n = dimension
    var y = [Double](repeating: 0, count: n)
    guard n > 0 else { return y }
    matrix.withUnsafeBufferPointer { a in
      x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
          let A = a.baseAddress!, X = x.baseAddress!, Y = y.baseAddress!
          Parallel.forEachChunk(n, costPerItem: n) { rows in
            for i in rows { Y[i] = VectorKernels.dot(A + i * n, X, count: n) }
          }
        }
      }
    }
    return y
  }
}
