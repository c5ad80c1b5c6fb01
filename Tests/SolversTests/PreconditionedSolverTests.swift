import Autodiff
import Solvers
import Testing

/// The Krylov solves for I2F on ill-conditioned Gram matrices, against dense ground truth: CG with
/// a spectral (deflation) preconditioner, the Hestenes–Stiefel error estimate and its stopping
/// rule, and Hutch++ against plain Hutchinson.
struct PreconditionedSolverTests {
  /// `Q·diag(λ)·Qᵀ` with λ graded from 1 down to `smallest` (geometric), and its decomposition.
  func graded(_ n: Int, smallest: Double, seed: UInt64) throws -> (DenseMatrixOperator, SymmetricEigendecomposition) {
    let lambda = (0..<n).map { Double.pow(smallest, Double($0) / Double(n - 1)) }
    let a = TestMatrices.withSpectrum(lambda, seed: seed)
    return (try DenseMatrixOperator(matrix: a, dimension: n), try SymmetricEigendecomposition(symmetric: a, dimension: n))
  }

  @Test func spectralPreconditionerCutsIterationsAndKeepsTheSolution() throws {
    let n = 200, shift = 1e-6
    let (op, dense) = try graded(n, smallest: 1e-5, seed: 2)
    let b = TestMatrices.randomVector(n, seed: 3)
    let exact = try dense.ridgeInverse(times: b, epsilon: shift)
    let cg = ConjugateGradient(tolerance: 1e-10, maxIterations: 5000)
    let plain = try cg.solve(op, rhs: b, shift: shift)
    // The top 40 exact eigenpairs, then the top 40 Ritz pairs of a bounded Lanczos run.
    let top = Array((n - 40)..<n)
    let exactPairs = try SpectralPreconditioner(
      eigenvalues: top.map { dense.eigenvalues[$0] }, vectors: top.map { dense.eigenvector($0) }, shift: shift)
    let ritz = try Lanczos(largest: 40, smallest: 0, tolerance: 1e-8, maxIterations: 3000, computesVectors: true, maxBasisVectors: 96)
      .eigenpairs(of: op)
    let ritzPairs = try SpectralPreconditioner(
      eigenvalues: ritz.largest.map(\.value), vectors: ritz.largest.map { $0.vector! }, shift: shift)
    for preconditioner in [exactPairs, ritzPairs] {
      let solved = try cg.solve(op, rhs: b, shift: shift, preconditioner: preconditioner)
      #expect(solved.converged && plain.converged)
      #expect(Double(solved.iterations) < 0.5 * Double(plain.iterations), "\(solved.iterations) vs \(plain.iterations) iterations")
      #expect(TestMatrices.distance(solved.solution, exact) <= 1e-6 * TestMatrices.norm(exact))
      // The rigorous 2-norm bound from λmin ≥ 0 holds.
      #expect(TestMatrices.distance(solved.solution, exact) <= solved.solutionErrorBound(lowerEigenvalueBound: 0))
    }
    #expect(throws: SolverError.self) { try cg.solve(op, rhs: b, shift: 0, preconditioner: exactPairs) }
  }

  @Test func errorEstimateTracksTheEnergyNormErrorAndStopsEarly() throws {
    let n = 150, shift = 1e-4
    let (op, dense) = try graded(n, smallest: 1e-6, seed: 4)
    let b = TestMatrices.randomVector(n, seed: 5)
    let exact = try dense.ridgeInverse(times: b, epsilon: shift)
    let quadratic = zip(b, exact).reduce(0) { $0 + $1.0 * $1.1 }  // bᵀx = ‖x‖²_A
    for target in [1e-2, 1e-4] {
      let result = try ConjugateGradient(tolerance: 1e-14, maxIterations: 2000, errorTolerance: target).solve(op, rhs: b, shift: shift)
      #expect(result.termination == .errorEstimateConverged)
      // True relative energy-norm error ‖x − z‖_A / ‖x‖_A, with ‖x‖²_A = bᵀx.
      let error = zip(exact, result.solution).map { $0 - $1 }
      let energy = zip(error, try op.apply(error)).reduce(0) { $0 + $1.0 * $1.1 } + shift * zip(error, error).reduce(0) { $0 + $1.0 * $1.1 }
      let relativeEnergyError = (energy / quadratic).squareRoot()
      let approximate = zip(b, result.solution).reduce(0) { $0 + $1.0 * $1.1 }
      #expect(relativeEnergyError <= 3 * target, "true \(relativeEnergyError), estimate \(result.relativeEnergyErrorEstimate)")
      #expect(result.relativeEnergyErrorEstimate >= 0.2 * relativeEnergyError)
      // The quadratic form (a Hutchinson sample) is accurate to the square of the target.
      #expect(abs(quadratic - approximate) <= 10 * target * target * quadratic)
    }
  }

  @Test func hutchPlusPlusHasLowerErrorThanHutchinsonForTheSameSolves() throws {
    // Graded over 1e6, so (A + εI)⁻¹ is dominated by its top few values as for a photo's J·Jᵀ.
    let n = 60, shift = 1e-7
    let (op, dense) = try graded(n, smallest: 1e-6, seed: 6)
    let exact = dense.eigenvalues.reduce(0) { $0 + 1 / ($1 + shift) }
    // Each sample to relative error ~1e-6 (the square of the energy-norm target).
    let solver = ConjugateGradient(tolerance: 1e-14, maxIterations: 1000, errorTolerance: 1e-3)
    var plainError = 0.0, plusError = 0.0
    let seeds: [UInt64] = Array(1...10)
    for seed in seeds {
      let plain = try HutchinsonTraceEstimator(probeCount: 30, seed: seed, solver: solver).traceOfInverse(of: op, shift: shift)
      let plus = try HutchPlusPlusTraceEstimator(solveCount: 30, seed: seed, solver: solver).traceOfInverse(of: op, shift: shift)
      #expect(plus.solves == 30 && plus.allSolvesConverged && plain.allSolvesConverged)
      #expect(abs(plus.estimate - exact) <= 5 * plus.standardError + 1e-8 * exact)
      plainError += (plain.estimate - exact) * (plain.estimate - exact)
      plusError += (plus.estimate - exact) * (plus.estimate - exact)
    }
    // Mean squared error over the seeds: Hutch++ at least 4× lower.
    #expect(plusError * 4 < plainError, "Hutch++ RMSE \((plusError / 10).squareRoot()), Hutchinson \((plainError / 10).squareRoot()), trace \(exact)")
    #expect(throws: SolverError.self) { try HutchPlusPlusTraceEstimator(solveCount: 10).traceOfInverse(of: op) }
  }
}
