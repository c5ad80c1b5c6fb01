import Foundation
import Autodiff
import Solvers

/// Benchmarks of the dense symmetric eigensolver alone, on `J·Jᵀ`-like matrices.
enum SolverBenchmarks {
  static var all: [Benchmark] {
    [eigh(784, runs: { max(3, $0 / 4) }), eigh(3072, runs: { max(3, $0 / 10) })]
  }

  /// Full eigendecomposition (values and vectors) of an `n × n` SPD matrix with a graded spectrum.
  static func eigh(_ n: Int, runs count: @escaping (Int) -> Int) -> Benchmark {
    Benchmark(key: "eigh_\(n)_ms", unit: .milliseconds,
              summary: "SymmetricEigendecomposition of an SPD \(n)×\(n) matrix, spectrum graded over 1e8 (F64)") { runs in
      let a = gradedGram(n, seed: 11)
      return try Stopwatch.median(runs: count(runs)) { _ = try SymmetricEigendecomposition(symmetric: a, dimension: n) }
    }
  }

  /// `B·Bᵀ` with `B = G·diag(√d)`, `G` standard normal and `d` log-spaced over `[1e-8, 1]`: a
  /// Gram matrix like `J·Jᵀ`, whose eigenvalues span about eight orders of magnitude.
  static func gradedGram(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    var b = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { b[i * n + j] = rng.normal() * (1e-8 as Double).squareRoot() * pow(1e8, 0.5 * Double(j) / Double(max(n - 1, 1))) }
    }
    var a = [Double](repeating: 0, count: n * n)
    b.withUnsafeBufferPointer { b in
      a.withUnsafeMutableBufferPointer { a in
        Double.gemm(transposeA: false, transposeB: true, m: n, n: n, k: n, alpha: 1, a: b.baseAddress!, lda: n,
                    b: b.baseAddress!, ldb: n, beta: 0, c: a.baseAddress!, ldc: n)
      }
    }
    return a
  }
}
