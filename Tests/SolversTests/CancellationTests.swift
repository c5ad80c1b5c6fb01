import Autodiff
import Solvers
import Testing

/// Every solver stops with `CancellationError` once its task is cancelled. The operator cancels
/// the task on its first application, so the check between iterations must fire.
struct CancellationTests {
  /// A well-conditioned operator that cancels the current task when applied.
  static func selfCancellingOperator() -> MatrixFreeOperator {
    MatrixFreeOperator(dimension: 50) { x in
      withUnsafeCurrentTask { $0?.cancel() }
      return x.enumerated().map { (1 + Double($0.offset)) * $0.element }
    }
  }

  @Test func lanczosStops() async {
    await #expect(throws: CancellationError.self) {
      try await Task { try Lanczos().eigenpairs(of: Self.selfCancellingOperator()) }.value
    }
  }

  @Test func powerIterationStops() async {
    await #expect(throws: CancellationError.self) {
      try await Task { try PowerIteration().largestEigenvalue(of: Self.selfCancellingOperator()) }.value
    }
  }

  @Test func conjugateGradientStops() async {
    await #expect(throws: CancellationError.self) {
      try await Task {
        try ConjugateGradient().solve(Self.selfCancellingOperator(), rhs: [Double](repeating: 1, count: 50))
      }.value
    }
  }

  @Test func hutchinsonStops() async {
    await #expect(throws: CancellationError.self) {
      try await Task { try HutchinsonTraceEstimator().traceOfInverse(of: Self.selfCancellingOperator()) }.value
    }
  }

  @Test func denseDecompositionStops() async {
    let a = TestMatrices.withSpectrum((0..<100).map { Double($0) }, seed: 121)
    await #expect(throws: CancellationError.self) {
      try await Task {
        withUnsafeCurrentTask { $0?.cancel() }
        return try SymmetricEigendecomposition(symmetric: a, dimension: 100)
      }.value
    }
  }
}
