/// A symmetric linear map `x ↦ A·x` on `R^n`, known only through its action: the matrix-free
/// path of I2F, where `A = J·Jᵀ` and each application is two autodiff passes.
///
/// The iterative solvers (``Lanczos``, ``PowerIteration``, ``ConjugateGradient``,
/// ``HutchinsonTraceEstimator``) assume `A` symmetric (and positive semi-definite where they say
/// so); they check that every result has length ``dimension`` and finite entries.
public protocol LinearOperator {
  /// The length `n` of the vectors the operator maps.
  var dimension: Int { get }
  /// `A·x` for a vector of length ``dimension``.
  func apply(_ x: [Double]) throws -> [Double]
}

/// A ``LinearOperator`` given by a closure, e.g. `{ v in J(Jᵀ(v)) }`.
public struct MatrixFreeOperator: LinearOperator {
  public let dimension: Int
  private let action: ([Double]) throws -> [Double]

  /// The operator of dimension `n` whose action is `action`.
  public init(dimension n: Int, _ action: @escaping ([Double]) throws -> [Double]) {
    dimension = n
    self.action = action
  }

  public func apply(_ x: [Double]) throws -> [Double] { try action(x) }
}

extension LinearOperator {
  /// `A·x`, checked: throws ``SolverError`` if the result has the wrong length or a non-finite entry.
  func checkedApply(_ x: [Double]) throws -> [Double] {
    let y = try apply(x)
    try SolverError.check(y, count: dimension, argument: "operator output")
    return y
  }

  /// `A·x + shift·x`, checked.
  func checkedApply(_ x: [Double], shift: Double) throws -> [Double] {
    var y = try checkedApply(x)
    if shift != 0 { axpy(shift, x, &y) }
    return y
  }
}
