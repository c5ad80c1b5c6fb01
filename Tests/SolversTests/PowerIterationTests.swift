import Autodiff
import Solvers
import Testing

struct PowerIterationTests {
  @Test func largestEigenvalueMatchesTheDenseSolver() throws {
    // A clear gap at the top (10 vs 5) so that the relative-change rule is reliable.
    let lambda = (0..<100).map { $0 == 0 ? 10 : 5 * Double($0) / 100 }
    let a = TestMatrices.withSpectrum(lambda, seed: 71)
    let op = try DenseMatrixOperator(matrix: a, dimension: 100)
    let result = try PowerIteration(tolerance: 1e-12).largestEigenvalue(of: op)
    #expect(result.converged)
    #expect(result.iterations > 1 && result.iterations < 200)
    #expect(abs(result.eigenvalue - 10) <= 1e-9 * 10)
    #expect(result.relativeChange <= 1e-12)
    let v = result.eigenvector
    #expect(abs(TestMatrices.norm(v) - 1) <= 1e-12)
    #expect(TestMatrices.distance(TestMatrices.multiply(a, v), v.map { 10 * $0 }) <= 1e-4)
  }

  @Test func zeroOperatorAndIterationLimit() throws {
    let zero = try PowerIteration().largestEigenvalue(of: MatrixFreeOperator(dimension: 3) { _ in [0, 0, 0] })
    #expect(zero.converged && zero.eigenvalue == 0 && zero.iterations == 1)
    let a = TestMatrices.withSpectrum([1, 0.99, 0.5, 0.1], seed: 73)
    let limited = try PowerIteration(tolerance: 1e-15, maxIterations: 3)
      .largestEigenvalue(of: try DenseMatrixOperator(matrix: a, dimension: 4))
    #expect(!limited.converged && limited.iterations == 3)
    #expect(limited.eigenvalue <= 1 + 1e-12)
  }

  @Test func invalidOptionsThrow() throws {
    let op = try DenseMatrixOperator(matrix: [1], dimension: 1)
    #expect(throws: SolverError.self) { try PowerIteration(tolerance: -1).largestEigenvalue(of: op) }
    #expect(throws: SolverError.self) { try PowerIteration(maxIterations: 0).largestEigenvalue(of: op) }
    let empty = MatrixFreeOperator(dimension: 0) { $0 }
    #expect(throws: SolverError.self) { try PowerIteration().largestEigenvalue(of: empty) }
  }
}
