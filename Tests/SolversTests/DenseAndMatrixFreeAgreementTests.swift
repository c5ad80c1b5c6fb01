import Autodiff
import Solvers
import Testing

/// The two I2F paths on one PSD matrix `A = J·Jᵀ` (J of rank 40 < 60): the dense decomposition and
/// the matrix-free solvers give the same λmax, λmin over the range, ridge solution and trace.
struct DenseAndMatrixFreeAgreementTests {
  @Test func bothPathsAgree() throws {
    let n = 60, rank = 40
    var rng = SeededRandom(seed: 111)
    let j = (0..<(n * rank)).map { _ in rng.normal() }
    var a = [Double](repeating: 0, count: n * n)
    for r in 0..<n {
      for c in 0..<n { a[r * n + c] = (0..<rank).reduce(0) { $0 + j[r * rank + $1] * j[c * rank + $1] } }
    }
    // Matrix-free: v ↦ J·(Jᵀ·v), never forming A.
    let op = MatrixFreeOperator(dimension: n) { v in
      let jtv = (0..<rank).map { k in (0..<n).reduce(0) { $0 + j[$1 * rank + k] * v[$1] } }
      return (0..<n).map { r in (0..<rank).reduce(0) { $0 + j[r * rank + $1] * jtv[$1] } }
    }
    let dense = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    #expect(dense.numericalRank() == rank)
    let lambdaMax = dense.eigenvalues.last!

    let lanczos = try Lanczos(largest: 1, smallest: 0).eigenpairs(of: op)
    #expect(abs(lanczos.largestEigenvalue! - lambdaMax) <= 1e-9 * lambdaMax)
    let power = try PowerIteration(tolerance: 1e-12, maxIterations: 5000).largestEigenvalue(of: op)
    #expect(abs(power.eigenvalue - lambdaMax) <= 1e-5 * lambdaMax)

    let epsilon = 1e-2
    let b = TestMatrices.randomVector(n, seed: 113)
    let cg = try ConjugateGradient(tolerance: 1e-12).solve(op, rhs: b, shift: epsilon)
    let ridge = try dense.ridgeInverse(times: b, epsilon: epsilon)
    #expect(cg.converged)
    #expect(TestMatrices.distance(cg.solution, ridge) <= 1e-8 * TestMatrices.norm(ridge))

    let exactTrace = dense.eigenvalues.reduce(0) { $0 + 1 / (max($1, 0) + epsilon) }
    let hutchinson = try HutchinsonTraceEstimator(probeCount: 30, seed: 5).traceOfInverse(of: op, shift: epsilon)
    #expect(abs(hutchinson.estimate - exactTrace) <= 4 * hutchinson.standardError)
  }
}
