/// What can go wrong in a solver because of the data or arguments a caller passed in.
///
/// Every public entry point of `Solvers` validates its input and throws one of these instead of
/// trapping, so the explorer can show the message and carry on. (The iterative solvers also
/// throw `CancellationError` when their task is cancelled.)
public enum SolverError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A matrix passed as `dimension × dimension` row-major storage has the wrong element count.
  case notSquare(elementCount: Int, dimension: Int)
  /// A matrix entry is NaN or infinite.
  case nonFiniteMatrixEntry(row: Int, column: Int)
  /// A vector (an argument, or what a linear operator returned) has the wrong length.
  case dimensionMismatch(argument: String, expected: Int, actual: Int)
  /// A vector (an argument, or what a linear operator returned) holds NaN or an infinity.
  case nonFiniteVector(argument: String, index: Int)
  /// An iteration that must converge did not (the dense tridiagonal QL/QR iteration).
  case noConvergence(String)
  /// An option or argument is out of its valid range.
  case invalidArgument(String)
  /// A solver would need more memory (`required` bytes, by its static estimate) than the caller's
  /// `budget`; thrown before anything large is allocated.
  case memoryBudgetExceeded(what: String, required: Int, budget: Int)

  public var description: String {
    switch self {
    case .notSquare(let count, let n):
      return "matrix has \(count) entries, not \(n)×\(n) = \(n.multipliedReportingOverflow(by: n).partialValue)"
    case .nonFiniteMatrixEntry(let row, let column):
      return "matrix entry (\(row), \(column)) is not finite"
    case .dimensionMismatch(let argument, let expected, let actual):
      return "\(argument) has length \(actual), expected \(expected)"
    case .nonFiniteVector(let argument, let index):
      return "\(argument) has a non-finite entry at index \(index)"
    case .noConvergence(let what):
      return "no convergence: \(what)"
    case .invalidArgument(let what):
      return "invalid argument: \(what)"
    case .memoryBudgetExceeded(let what, let required, let budget):
      return "\(what) needs about \(required) bytes, more than the budget of \(budget) bytes"
    }
  }
}

extension SolverError {
  /// Throws unless `vector` has `count` entries, all finite.
  static func check(_ vector: [Double], count: Int, argument: String) throws(SolverError) {
    guard vector.count == count else {
      throw .dimensionMismatch(argument: argument, expected: count, actual: vector.count)
    }
    if let index = vector.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteVector(argument: argument, index: index)
    }
  }
}
