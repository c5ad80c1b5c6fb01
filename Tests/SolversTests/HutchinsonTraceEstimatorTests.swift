import Autodiff
import Solvers
import Testing

struct HutchinsonTraceEstimatorTests {
  @Test func estimateIsWithinAFewStandardErrorsOfTheExactTrace() throws {
    let lambda = (0..<100).map { 0.1 + Double($0) / 10 }
    let a = TestMatrices.withSpectrum(lambda, seed: 101)
    let epsilon = 0.05
    let exact = lambda.reduce(0) { $0 + 1 / ($1 + epsilon) }
    let result = try HutchinsonTraceEstimator(probeCount: 40, seed: 3)
      .traceOfInverse(of: try DenseMatrixOperator(matrix: a, dimension: 100), shift: epsilon)
    #expect(result.probeCount == 40)
    #expect(result.allSolvesConverged)
    #expect(result.solverIterations > 40)
    #expect(result.standardError > 0 && result.standardError < 0.2 * exact)
    #expect(abs(result.estimate - exact) <= 4 * result.standardError)
  }

  @Test func diagonalOperatorIsExactForRademacherProbes() throws {
    // zᵀ·D⁻¹·z = Σ 1/d_i for every ±1 probe: no variance at all.
    let d: [Double] = [1, 2, 4, 8]
    let op = MatrixFreeOperator(dimension: 4) { x in zip(d, x).map { $0 * $1 } }
    let estimator = HutchinsonTraceEstimator(probeCount: 5, solver: ConjugateGradient(tolerance: 1e-14))
    let result = try estimator.traceOfInverse(of: op)
    #expect(abs(result.estimate - 1.875) <= 1e-12)
    #expect(result.standardError <= 1e-12)
  }

  @Test func stopsEarlyAtTheTargetStandardError() throws {
    let lambda = (0..<50).map { 1 + Double($0) }
    let a = TestMatrices.withSpectrum(lambda, seed: 103)
    let result = try HutchinsonTraceEstimator(probeCount: 1000, targetRelativeStandardError: 0.05, minimumProbeCount: 4)
      .traceOfInverse(of: try DenseMatrixOperator(matrix: a, dimension: 50), shift: 0)
    #expect(result.probeCount < 1000)
    #expect(result.standardError <= 0.05 * result.estimate)
  }

  @Test func invalidOptionsThrow() throws {
    let op = try DenseMatrixOperator(matrix: [1], dimension: 1)
    #expect(throws: SolverError.self) { try HutchinsonTraceEstimator(probeCount: 1).traceOfInverse(of: op) }
    #expect(throws: SolverError.self) { try HutchinsonTraceEstimator(minimumProbeCount: 1).traceOfInverse(of: op) }
    #expect(throws: SolverError.self) {
      try HutchinsonTraceEstimator(targetRelativeStandardError: 0).traceOfInverse(of: op)
    }
  }
}
