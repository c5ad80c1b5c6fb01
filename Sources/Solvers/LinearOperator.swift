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
  /// `A·x` for each vector of `xs`; operators that can apply themselves to many vectors at once
  /// faster than one by one (a batched autodiff pass) implement it. Default: one by one.
  func apply(batch xs: [[Double]]) throws -> [[Double]]
}

/// A ``LinearOperator`` given by a closure, e.g. `{ v in J(Jᵀ(v)) }`, and optionally a closure
/// for batches.
public struct MatrixFreeOperator: LinearOperator {
  public let dimension: Int
  private let action: ([Double]) throws -> [Double]
  private let batchAction: (([[Double]]) throws -> [[Double]])?

  /// The operator of dimension `n` whose action is `action`; `batch`, when given, applies it to
  /// many vectors at once.
  public init(dimension n: Int, _ action: @escaping ([Double]) throws -> [Double], batch: (([[Double]]) throws -> [[Double]])? = nil) {
    dimension = n
    self.action = action
    batchAction = batch
  }

  public func apply(_ x: [Double]) throws -> [Double] { try action(x) }

  public func apply(batch xs: [[Double]]) throws -> [[Double]] {
    if let batchAction { return try batchAction(xs) }
    return try xs.map(action)
  }
}

extension LinearOperator {
  public func apply(batch xs: [[Double]]) throws -> [[Double]] { try xs.map(apply) }

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

  /// `A·x + shift·x` for each `x` of `xs`, in one batch, checked.
  func checkedApply(batch xs: [[Double]], shift: Double) throws -> [[Double]] {
    var ys = try apply(batch: xs)
    guard ys.count == xs.count else {
      throw SolverError.dimensionMismatch(argument: "batched operator output", expected: xs.count, actual: ys.count)
    }
    for i in ys.indices {
      try SolverError.check(ys[i], count: dimension, argument: "operator output")
      if shift != 0 { axpy(shift, xs[i], &ys[i]) }
    }
    return ys
  }
}
