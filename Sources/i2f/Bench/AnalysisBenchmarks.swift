import Autodiff
import Leakage

/// Benchmarks of the I2F pipeline and the attacks on convnet5 / one 1×28×28 image.
enum AnalysisBenchmarks {
  static var all: [Benchmark] {
    [
      Benchmark(key: "convnet5_dense_spectrum_ms", unit: .milliseconds,
                summary: "dense J (784 rows), J·Jᵀ and its full eigendecomposition, F64") { runs in
        let victim = try CoreBenchmarks.convnet5Victim()
        let jacobian = MixedJacobian<Double>(victim)
        return try Stopwatch.median(runs: max(3, runs / 4)) { _ = try DenseGram(jacobian) }
      },
      Benchmark(key: "i2f_eval_ms", unit: .milliseconds, summary: "one new δ on the cached dense spectrum (J·δ, then U·Λ⁺·Uᵀ)") { runs in
        let analysis = try Analysis(try CoreBenchmarks.convnet5Victim(), method: .dense)
        var rng = SeededRandom(seed: 9)
        let delta = Tensor<Double>.normal([analysis.jacobian.parameterCount], std: 1e-3, using: &rng)
        return try Stopwatch.median(runs: runs) { _ = try analysis.evaluate(delta: delta, ridge: .absolute(0), gaussianSigma: 1e-3) }
      },
      Benchmark(key: "convnet5_lambda_max_ms", unit: .milliseconds, summary: "matrix-free λmax of J·Jᵀ to 1e-6 relative (Lanczos, F64)") { runs in
        let jacobian = MixedJacobian<Double>(try CoreBenchmarks.convnet5Victim())
        return try Stopwatch.median(runs: max(3, runs / 4)) { _ = try MatrixFreeSpectrum.largestEigenvalue(jacobian) }
      },
      Benchmark(key: "convnet5_i2f_lb_ms", unit: .milliseconds, summary: "I2F lower bound from scratch: graph, J·δ and matrix-free λmax (F64)") { runs in
        let victim = try CoreBenchmarks.convnet5Victim()
        var rng = SeededRandom(seed: 9)
        let delta = Tensor<Double>.normal([victim.parameterCount], std: 1e-3, using: &rng)
        return try Stopwatch.median(runs: max(3, runs / 4)) {
          let jacobian = MixedJacobian<Double>(victim)
          _ = jacobian.product(delta).norm() / (try MatrixFreeSpectrum.largestEigenvalue(jacobian).value)
        }
      },
      Benchmark(key: "attack_step_ms_convnet5", unit: .milliseconds, summary: "one l2adam iteration (F32, 1×28×28)") { runs in
        var attack = try attackStepper(.l2adam)
        return Stopwatch.median(runs: max(runs, 50), warmup: 5) { attack.step() }
      },
      Benchmark(key: "dlg_300_s", unit: .seconds, summary: "a full 300-iteration L-BFGS DLG run (F32, 1×28×28)") { runs in
        let attack = try attackStepper(.dlg)
        return Stopwatch.median(runs: max(1, runs / 10), warmup: 0) {
          var a = attack
          a.run()
        } / 1000
      },
    ]
  }

  static func attackStepper(_ config: AttackConfiguration) throws -> AttackStepper<Float> {
    let victim = try CoreBenchmarks.convnet5Victim()
    let g0 = MixedJacobian<Float>(victim).sharedGradientF64
    return try AttackStepper<Float>(problem: AttackProblem(victim: victim, observedGradient: g0, inferLabels: true), configuration: config)
  }
}
