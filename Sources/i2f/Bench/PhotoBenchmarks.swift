import Autodiff
import Leakage
import Solvers

/// The dense spectrum of one 3×32×32 image (dx = 3072), as `../shared/tools/torch-anchor.py
/// --only photo` measures it: convnet5 with 13 classes, uniform weights, F64; the whole
/// ``DenseGram`` and its three parts (`J`, `J·Jᵀ`, the eigendecomposition) on their own.
enum PhotoBenchmarks {
  static var all: [Benchmark] {
    [
      Benchmark(key: "photo_dense_spectrum_ms", unit: .milliseconds,
                summary: "dense J (3072 rows), J·Jᵀ and its full eigendecomposition of a 3×32×32 image, F64") { runs in
        let jacobian = MixedJacobian<Double>(try victim())
        return try Stopwatch.median(runs: count(runs), warmup: 0) { _ = try DenseGram(jacobian) }
      },
      Benchmark(key: "photo_J_ms", unit: .milliseconds, summary: "the 3072 rows of J of a 3×32×32 image (batched Jᵀ·e_i, F64)") { runs in
        let jacobian = MixedJacobian<Double>(try victim())
        return Stopwatch.median(runs: count(runs), warmup: 0) { _ = jacobianRows(jacobian) }
      },
      Benchmark(key: "photo_JJT_ms", unit: .milliseconds, summary: "J·Jᵀ (3072 × 3072) from the rows of J, F64") { runs in
        let jacobian = MixedJacobian<Double>(try victim())
        let j = jacobianRows(jacobian)
        return Stopwatch.median(runs: count(runs), warmup: 0) { _ = gram(j, rows: jacobian.inputCount) }
      },
      Benchmark(key: "photo_eigh_ms", unit: .milliseconds, summary: "SymmetricEigendecomposition of the image's J·Jᵀ (3072 × 3072, F64)") { runs in
        let jacobian = MixedJacobian<Double>(try victim())
        let n = jacobian.inputCount
        let a = gram(jacobianRows(jacobian), rows: n)
        return try Stopwatch.median(runs: count(runs), warmup: 0) { _ = try SymmetricEigendecomposition(symmetric: a, dimension: n) }
      },
    ]
  }

  /// Each run takes seconds: three at the default `--runs 20`.
  static func count(_ runs: Int) -> Int { max(3, runs / 7) }

  /// convnet5 (13 classes, uniform weights) on one uniform random 3×32×32 image with label 1.
  static func victim() throws -> VictimBatch {
    let network = try ModelSpec(.convnet5, inputShape: [3, 32, 32], classCount: 13).makeNetwork()
    var rng = SeededRandom(seed: 3)
    let image = Tensor<Double>.uniform([1, 3, 32, 32], using: &rng)
    return try VictimBatch(network: network, weights: Initializer.uniform.weights(for: network, seed: 0),
                           images: image, labels: [1])
  }

  /// `J` row-major (`dx × dθ`), in passes of ``DenseGram/rowsPerPass`` rows as ``DenseGram`` makes it.
  static func jacobianRows(_ jacobian: MixedJacobian<Double>) -> [Double] {
    let dx = jacobian.inputCount, dtheta = jacobian.parameterCount
    var j = [Double](repeating: 0, count: dx * dtheta)
    j.withUnsafeMutableBufferPointer { j in
      var start = 0
      while start < dx {
        let k = min(DenseGram.rowsPerPass, dx - start)
        var basis = Tensor<Double>(zeros: [k, dx])
        for r in 0..<k { basis.scalars[r * dx + start + r] = 1 }
        jacobian.transposedProducts(basis, into: UnsafeMutableBufferPointer(rebasing: j[(start * dtheta)..<((start + k) * dtheta)]))
        start += k
      }
    }
    return j
  }

  /// `J·Jᵀ` (row-major, both triangles) for the row-major `rows × dθ` matrix `j`.
  static func gram(_ j: [Double], rows n: Int) -> [Double] {
    let dtheta = j.count / n
    var g = [Double](repeating: 0, count: n * n)
    j.withUnsafeBufferPointer { jp in
      g.withUnsafeMutableBufferPointer { gp in
        Double.gemm(transposeA: false, transposeB: true, m: n, n: n, k: dtheta, alpha: 1, a: jp.baseAddress!, lda: dtheta,
                    b: jp.baseAddress!, ldb: dtheta, beta: 0, c: gp.baseAddress!, ldc: n)
      }
    }
    return g
  }
}
