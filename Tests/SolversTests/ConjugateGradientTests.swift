import Autodiff
import Solvers
import Testing

struct ConjugateGradientTests {
  /// SPD with condition number 1000.
  static let spectrum: [Double] = (0..<120).map { Double.pow(10, 3 * Double($0) / 119) / 1000 }

  @Test func solutionMatchesADenseSolve() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 81)
    let dense = try SymmetricEigendecomposition(symmetric: a, dimension: 120)
    let b = TestMatrices.randomVector(120, seed: 83)
    let result = try ConjugateGradient(tolerance: 1e-10).solve(try DenseMatrixOperator(matrix: a, dimension: 120), rhs: b)
    #expect(result.converged)
    #expect(result.termination == .converged)
    #expect(result.relativeResidual <= 1e-10)
    #expect(result.iterations > 0 && result.iterations <= 240)
    #expect(result.applications == result.iterations + 1)  // one extra to confirm the residual
    let exact = try dense.ridgeInverse(times: b, epsilon: 0)
    #expect(TestMatrices.distance(result.solution, exact) <= 1e-6 * TestMatrices.norm(exact))
  }

  @Test func ridgeShiftOnASingularOperator() throws {
    let lambda = (0..<60).map { $0 < 15 ? 0 : Double($0) }
    let a = TestMatrices.withSpectrum(lambda, seed: 87)
    let dense = try SymmetricEigendecomposition(symmetric: a, dimension: 60)
    let b = TestMatrices.randomVector(60, seed: 89)
    let epsilon = 0.01
    let result = try ConjugateGradient(tolerance: 1e-11).solve(
      try DenseMatrixOperator(matrix: a, dimension: 60), rhs: b, shift: epsilon)
    #expect(result.converged)
    let exact = try dense.ridgeInverse(times: b, epsilon: epsilon)
    #expect(TestMatrices.distance(result.solution, exact) <= 1e-8 * TestMatrices.norm(exact))
  }

  @Test func zeroRightHandSideAndWarmStart() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 91)
    let op = try DenseMatrixOperator(matrix: a, dimension: 120)
    let zero = try ConjugateGradient().solve(op, rhs: [Double](repeating: 0, count: 120))
    #expect(zero.converged && zero.iterations == 0 && zero.applications == 0)
    #expect(zero.solution.allSatisfy { $0 == 0 })
    // Starting at the solution: converged after the one application that checks it.
    let b = TestMatrices.randomVector(120, seed: 93)
    let solved = try ConjugateGradient(tolerance: 1e-10).solve(op, rhs: b)
    let warm = try ConjugateGradient(tolerance: 1e-8).solve(op, rhs: b, initialGuess: solved.solution)
    #expect(warm.converged && warm.iterations == 0 && warm.applications == 1)
  }

  @Test func indefiniteOperatorBreaksDownGracefully() throws {
    let op = try DenseMatrixOperator(matrix: [1, 0, 0, -1], dimension: 2)
    let result = try ConjugateGradient().solve(op, rhs: [1, 1])
    #expect(result.termination == .breakdown)
    #expect(!result.converged)
    #expect(result.solution.allSatisfy { $0.isFinite })
  }

  @Test func iterationLimit() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 95)
    let result = try ConjugateGradient(tolerance: 1e-12, maxIterations: 3)
      .solve(try DenseMatrixOperator(matrix: a, dimension: 120), rhs: TestMatrices.randomVector(120, seed: 97))
    #expect(result.termination == .maxIterations && result.iterations == 3)
    #expect(result.relativeResidual > 1e-12)
  }

  @Test func invalidArgumentsThrow() throws {
    let op = try DenseMatrixOperator(matrix: TestMatrices.identity(3), dimension: 3)
    let cg = ConjugateGradient()
    #expect(throws: SolverError.dimensionMismatch(argument: "right-hand side", expected: 3, actual: 2)) {
      try cg.solve(op, rhs: [1, 2])
    }
    #expect(throws: SolverError.nonFiniteVector(argument: "right-hand side", index: 2)) {
      try cg.solve(op, rhs: [1, 2, .infinity])
    }
    #expect(throws: SolverError.self) { try cg.solve(op, rhs: [1, 2, 3], shift: -1) }
    #expect(throws: SolverError.self) { try cg.solve(op, rhs: [1, 2, 3], initialGuess: [1]) }
    #expect(throws: SolverError.self) { try ConjugateGradient(tolerance: 0).solve(op, rhs: [1, 2, 3]) }
  }
}
