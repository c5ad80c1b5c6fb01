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

  /// Systems in lockstep: each follows exactly its own iteration (same steps, same iterate), the
  /// operator is applied once per step to the whole batch, and finished systems (a zero right-hand
  /// side, an easy one) stop while the others go on.
  @Test func lockstepSystemsFollowTheirOwnIterations() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 99)
    let dense = try DenseMatrixOperator(matrix: a, dimension: 120)
    let eigen = try SymmetricEigendecomposition(symmetric: a, dimension: 120)
    // An eigenvector (column 7 of the Q of A = Q·Λ·Qᵀ): solved in one step.
    let q = TestMatrices.randomOrthogonal(120, seed: 99)
    let eigenvector = (0..<120).map { q[$0 * 120 + 7] }
    var rhs = (0..<4).map { TestMatrices.randomVector(120, seed: 101 + UInt64($0)) }
    rhs.append([Double](repeating: 0, count: 120))
    rhs.append(eigenvector)
    let counter = BatchCounter()
    let op = MatrixFreeOperator(dimension: 120, { try dense.apply($0) }, batch: { xs in
      counter.batches += 1
      #expect(xs.count == rhs.count, "the batch keeps its size")
      return try xs.map(dense.apply)
    })
    let solver = ConjugateGradient(tolerance: 1e-10, errorTolerance: 1e-9)
    let together = try solver.solve(op, rhs: rhs, shift: 0.5)
    #expect(together.count == rhs.count)
    for (b, result) in zip(rhs, together) {
      let alone = try solver.solve(dense, rhs: b, shift: 0.5)
      #expect(result.iterations == alone.iterations && result.termination == alone.termination)
      #expect(result.solution == alone.solution)
      let exact = try eigen.ridgeInverse(times: b, epsilon: 0.5)
      #expect(TestMatrices.distance(result.solution, exact) <= 1e-7 * max(TestMatrices.norm(exact), 1e-300))
    }
    #expect(together[4].iterations == 0 && together[4].solution.allSatisfy { $0 == 0 })
    #expect(together[5].iterations < together[0].iterations)
    #expect(counter.batches == together.map(\.applications).max())
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

/// Counts the batches a test operator is given.
private final class BatchCounter: @unchecked Sendable {
  var batches = 0
}
