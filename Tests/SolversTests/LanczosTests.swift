import Autodiff
import Solvers
import Testing

/// Lanczos against the dense eigensolver on the same matrices.
struct LanczosTests {
  /// A PSD spectrum whose three smallest and three largest eigenvalues stand out from a dense
  /// middle: 0.5, 0.8, 1.1, 194 values evenly in [2, 90], 98, 99, 100.
  static let spectrum: [Double] = [0.5, 0.8, 1.1] + (0..<194).map { 2 + 88 * Double($0) / 193 } + [98, 99, 100]

  @Test func extremalEigenvaluesMatchTheDenseSolver() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 51)
    let op = try DenseMatrixOperator(matrix: a, dimension: 200)
    let dense = try SymmetricEigendecomposition(symmetric: a, dimension: 200)
    let result = try Lanczos(largest: 1, smallest: 1).eigenpairs(of: op)
    #expect(result.converged)
    #expect(result.iterations < 200)
    let lambdaMax = try #require(result.largestEigenvalue), lambdaMin = try #require(result.smallestEigenvalue)
    #expect(abs(lambdaMax - dense.eigenvalues.last!) <= 1e-8 * dense.eigenvalues.last!)
    #expect(abs(lambdaMin - dense.eigenvalues.first!) <= 1e-8 * dense.eigenvalues.first!)
    #expect(result.largest[0].residualEstimate <= 1e-10 * lambdaMax)
    #expect(result.largest[0].vector == nil)
  }

  @Test func topAndBottomRitzPairsWithVectors() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 53)
    let op = try DenseMatrixOperator(matrix: a, dimension: 200)
    let sorted = Self.spectrum.sorted()
    let result = try Lanczos(largest: 3, smallest: 3, computesVectors: true).eigenpairs(of: op)
    #expect(result.converged)
    #expect(result.largest.map(\.value) == result.largest.map(\.value).sorted(by: >))
    #expect(result.smallest.map(\.value) == result.smallest.map(\.value).sorted())
    for (k, pair) in result.largest.enumerated() {
      #expect(abs(pair.value - sorted[199 - k]) <= 1e-8 * sorted[199 - k])
    }
    for (k, pair) in result.smallest.enumerated() {
      #expect(abs(pair.value - sorted[k]) <= 1e-8 * sorted[k])
    }
    for pair in result.largest + result.smallest {
      let y = try #require(pair.vector)
      #expect(abs(TestMatrices.norm(y) - 1) <= 1e-12)
      let residual = TestMatrices.distance(TestMatrices.multiply(a, y), y.map { pair.value * $0 })
      #expect(residual <= 1e-9 * 100)
      // The estimate is the true residual, up to rounding.
      #expect(abs(residual - pair.residualEstimate) <= 1e-10 * 100)
    }
  }

  @Test func singularOperatorHasSmallestEigenvalueZero() throws {
    let lambda = (0..<80).map { $0 < 20 ? 0 : Double($0) }
    let a = TestMatrices.withSpectrum(lambda, seed: 57)
    let result = try Lanczos().eigenpairs(of: try DenseMatrixOperator(matrix: a, dimension: 80))
    #expect(result.converged)
    #expect(abs(try #require(result.smallestEigenvalue)) <= 1e-10 * 79)
    #expect(abs(try #require(result.largestEigenvalue) - 79) <= 1e-8 * 79)
  }

  @Test func repeatedEigenvaluesAreFoundByRestarting() throws {
    // The identity: every Krylov space is one-dimensional, so each pair needs a restart.
    let op = MatrixFreeOperator(dimension: 30) { $0 }
    let result = try Lanczos(largest: 2, smallest: 2, computesVectors: true).eigenpairs(of: op)
    #expect(result.converged)
    #expect((result.largest + result.smallest).allSatisfy { abs($0.value - 1) <= 1e-14 })
    let top = result.largest.map { $0.vector! }
    #expect(abs(zip(top[0], top[1]).reduce(0) { $0 + $1.0 * $1.1 }) <= 1e-12)
  }

  @Test func zeroOperatorAndTinyDimensions() throws {
    let zero = try Lanczos().eigenpairs(of: MatrixFreeOperator(dimension: 5) { _ in [0, 0, 0, 0, 0] })
    #expect(zero.converged)
    #expect(zero.largestEigenvalue == 0 && zero.smallestEigenvalue == 0)
    let one = try Lanczos().eigenpairs(of: try DenseMatrixOperator(matrix: [4], dimension: 1))
    #expect(one.converged && one.iterations == 1)
    #expect(one.largestEigenvalue == 4 && one.smallestEigenvalue == 4)
    let two = try Lanczos().eigenpairs(of: try DenseMatrixOperator(matrix: [2, 1, 1, 2], dimension: 2))
    #expect(two.converged)
    #expect(abs(two.largestEigenvalue! - 3) <= 1e-14 && abs(two.smallestEigenvalue! - 1) <= 1e-14)
  }

  @Test func iterationLimitIsReportedNotThrown() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 59)
    let result = try Lanczos(maxIterations: 5).eigenpairs(of: try DenseMatrixOperator(matrix: a, dimension: 200))
    #expect(!result.converged)
    #expect(result.iterations == 5)
    #expect(result.largest.count == 1 && result.smallest.count == 1)
  }

  @Test func sameSeedSameResult() throws {
    let a = TestMatrices.withSpectrum(Self.spectrum, seed: 61)
    let op = try DenseMatrixOperator(matrix: a, dimension: 200)
    let first = try Lanczos(maxIterations: 20, seed: 9).eigenpairs(of: op)
    let second = try Lanczos(maxIterations: 20, seed: 9).eigenpairs(of: op)
    #expect(first.largestEigenvalue == second.largestEigenvalue)
  }

  @Test func invalidOptionsAndOperatorsThrow() throws {
    let op = try DenseMatrixOperator(matrix: TestMatrices.identity(4), dimension: 4)
    #expect(throws: SolverError.self) { try Lanczos(largest: 0, smallest: 0).eigenpairs(of: op) }
    #expect(throws: SolverError.self) { try Lanczos(largest: 5).eigenpairs(of: op) }
    #expect(throws: SolverError.self) { try Lanczos(tolerance: 0).eigenpairs(of: op) }
    #expect(throws: SolverError.self) { try Lanczos(maxIterations: 0).eigenpairs(of: op) }
    let short = MatrixFreeOperator(dimension: 4) { Array($0.prefix(3)) }
    #expect(throws: SolverError.dimensionMismatch(argument: "operator output", expected: 4, actual: 3)) {
      try Lanczos().eigenpairs(of: short)
    }
    let broken = MatrixFreeOperator(dimension: 4) { $0.map { _ in .nan } }
    #expect(throws: SolverError.nonFiniteVector(argument: "operator output", index: 0)) {
      try Lanczos().eigenpairs(of: broken)
    }
  }
}
