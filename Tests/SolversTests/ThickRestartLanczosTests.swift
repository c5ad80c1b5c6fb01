import Autodiff
import Solvers
import Testing

/// Thick-restart Lanczos in a bounded window, against dense ground truth: the window never grows
/// beyond its cap, every returned pair carries a residual that bounds its eigenvalue error, and
/// the memory estimate is checked against a caller's budget before anything is allocated.
struct ThickRestartLanczosTests {
  /// A graded SPD operator (eigenvalues 1 … 1e-6, geometric) and its sorted spectrum.
  func graded(_ n: Int, seed: UInt64) throws -> (DenseMatrixOperator, [Double]) {
    let lambda = (0..<n).map { Double.pow(10, -6 * Double($0) / Double(n - 1)) }
    return (try DenseMatrixOperator(matrix: TestMatrices.withSpectrum(lambda, seed: seed), dimension: n), lambda.sorted())
  }

  @Test func windowStaysWithinItsCapAndFindsBothEnds() throws {
    let (op, sorted) = try graded(300, seed: 3)
    let lanczos = Lanczos(largest: 3, smallest: 0, tolerance: 1e-10, maxIterations: 2000, computesVectors: true, maxBasisVectors: 20)
    let result = try lanczos.eigenpairs(of: op)
    #expect(result.converged)
    #expect(result.restarts > 0)
    #expect(result.basisCapacity == 20 && result.peakBasisVectors <= 20)
    #expect(result.residualApplications == 3)
    for (k, pair) in result.largest.enumerated() {
      let exact = sorted[299 - k]
      #expect(pair.isResidualVerified)
      #expect(abs(pair.value - exact) <= pair.errorBound() + 1e-14, "θ = \(pair.value), λ = \(exact)")
      #expect(pair.residualNorm <= 1e-9)
      let y = try #require(pair.vector)
      let r = TestMatrices.distance(try op.apply(y), y.map { pair.value * $0 })
      #expect(abs(r - pair.residualNorm) <= 1e-13)
    }
  }

  @Test func smallestOfASingularMatrixComesWithItsErrorBound() throws {
    // 200 × 200, rank 80: λmin = 0 with multiplicity 120; the rest in [1e-2, 1].
    let n = 200
    var rng = SeededRandom(seed: 5)
    let lambda = (0..<n).map { $0 < 120 ? 0 : rng.uniform(1e-2, 1) }
    let op = try DenseMatrixOperator(matrix: TestMatrices.withSpectrum(lambda, seed: 7), dimension: n)
    for (cap, limit) in [(24, 60), (24, 1000)] {
      let result = try Lanczos(largest: 1, smallest: 1, tolerance: 1e-12, maxIterations: limit, maxBasisVectors: cap).eigenpairs(of: op)
      #expect(result.peakBasisVectors <= cap)
      let smallest = try #require(result.smallest.first)
      let largest = try #require(result.largest.first)
      // Whether or not it converged, the reported residual bounds the distance to the spectrum.
      #expect(abs(smallest.value - 0) <= smallest.errorBound() + 1e-14, "θmin = \(smallest.value) ± \(smallest.residualNorm)")
      #expect(abs(largest.value - lambda.max()!) <= largest.errorBound() + 1e-14)
      if limit == 1000 {
        #expect(result.converged)
        #expect(abs(smallest.value) <= 1e-11)
      }
    }
  }

  @Test func residualGivesQuadraticBoundWithAGap() throws {
    let (op, sorted) = try graded(150, seed: 9)
    let result = try Lanczos(largest: 2, smallest: 0, tolerance: 1e-6, maxBasisVectors: 16).eigenpairs(of: op)
    let top = result.largest[0]
    let gap = top.value - sorted[sorted.count - 2]  // exact gap to the rest of the spectrum
    #expect(abs(top.value - sorted.last!) <= top.errorBound(gap: gap) * 1.01 + 1e-15)
    #expect(top.errorBound(gap: gap) <= top.errorBound())
  }

  @Test func memoryBudgetIsCheckedBeforeAllocating() throws {
    let lanczos = Lanczos(largest: 1, smallest: 1, maxBasisVectors: 32, memoryBudget: 100_000)
    // 32 vectors of 1e6 doubles are 256 MB: far over budget, thrown before any allocation.
    let huge = MatrixFreeOperator(dimension: 1_000_000) { _ in Issue.record("operator must not be applied"); return [] }
    #expect(throws: SolverError.self) { try lanczos.eigenpairs(of: huge) }
    // Linear in n for a fixed window, and dominated by the window itself.
    let small = lanczos.memoryEstimate(dimension: 10_000), large = lanczos.memoryEstimate(dimension: 100_000)
    #expect(large > 9 * small && large < 11 * small)
    #expect(large >= 8 * 32 * 100_000 && large <= 8 * 48 * 100_000)
    #expect(Lanczos(largest: 1, smallest: 1).basisSize(dimension: 3072) == 64)
    #expect(Lanczos(largest: 1, smallest: 1).basisSize(dimension: 10) == 10)
  }

  @Test func windowTooSmallForTheWantedPairsIsAnError() throws {
    let (op, _) = try graded(50, seed: 1)
    #expect(throws: SolverError.self) { try Lanczos(largest: 3, smallest: 3, maxBasisVectors: 7).eigenpairs(of: op) }
  }
}
