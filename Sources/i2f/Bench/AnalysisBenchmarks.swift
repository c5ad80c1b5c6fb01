import Autodiff
import Leakage

/// Benchmarks of the I2F pipeline and the attacks: convnet5 on one 1×28×28 image, and the dense
/// spectrum of convnet5 on a 3×32×32 photo.
enum AnalysisBenchmarks {
  static var all: [Benchmark] {
    [
      convnet5DenseSpectrum(Double.self, key: "convnet5_dense_spectrum_ms", parts: "convnet5"),
      convnet5DenseSpectrum(Float.self, key: "convnet5_dense_spectrum_f32_ms", parts: "convnet5_f32"),
      Benchmark(key: "i2f_eval_ms", unit: .milliseconds, group: "convnet5", summary: "one new δ on the cached dense spectrum (J·δ, then U·Λ⁺·Uᵀ)") { runs in
        let analysis = try Analysis(try CoreBenchmarks.convnet5Victim(), method: .dense)
        var rng = SeededRandom(seed: 9)
        let delta = Tensor<Double>.normal([analysis.jacobian.parameterCount], std: 1e-3, using: &rng)
        return try Stopwatch.median(runs: runs) { _ = try analysis.evaluate(delta: delta, ridge: .absolute(0), gaussianSigma: 1e-3) }
      },
      Benchmark(key: "convnet5_lambda_max_ms", unit: .milliseconds, group: "convnet5", summary: "matrix-free λmax of J·Jᵀ to 1e-6 relative (Lanczos, F64)") { runs in
        let jacobian = MixedJacobian<Double>(try CoreBenchmarks.convnet5Victim())
        return try Stopwatch.median(runs: max(3, runs / 4)) { _ = try MatrixFreeSpectrum.largestEigenvalue(jacobian) }
      },
      Benchmark(key: "convnet5_i2f_lb_ms", unit: .milliseconds, group: "convnet5", summary: "I2F lower bound from scratch: graph, J·δ and matrix-free λmax (F64)") { runs in
        let victim = try CoreBenchmarks.convnet5Victim()
        var rng = SeededRandom(seed: 9)
        let delta = Tensor<Double>.normal([victim.parameterCount], std: 1e-3, using: &rng)
        return try Stopwatch.median(runs: max(3, runs / 4)) {
          let jacobian = MixedJacobian<Double>(victim)
          _ = jacobian.product(delta).norm() / (try MatrixFreeSpectrum.largestEigenvalue(jacobian).value)
        }
      },
      Benchmark(key: "attack_step_ms_convnet5", unit: .milliseconds, group: "convnet5", summary: "one l2adam iteration (F32, 1×28×28)") { runs in
        var attack = try attackStepper(.l2adam)
        return Stopwatch.median(runs: max(runs, 50), warmup: 5) { attack.step() }
      },
      Benchmark(key: "dlg_300_s", unit: .seconds, group: "convnet5", summary: "a full 300-iteration L-BFGS DLG run (F32, 1×28×28)") { runs in
        let attack = try attackStepper(.dlg)
        return Stopwatch.median(runs: max(1, runs / 10), warmup: 0) {
          var a = attack
          a.run()
        } / 1000
      },
      photoDenseSpectrum(Double.self, key: "photo_dense_spectrum_ms", parts: "photo"),
      photoDenseSpectrum(Float.self, key: "photo_dense_spectrum_f32_ms", parts: "photo_f32"),
      photoMatrixFree,
    ]
  }

  /// The dense path on convnet5 and MNIST test image 0 (dx 784, dθ 17 038), in the precision of
  /// `S` (Float32: the products and J·Jᵀ in Float32, the eigendecomposition in Float64); the run
  /// with the median total, with its parts.
  static func convnet5DenseSpectrum<S: TensorScalar>(_: S.Type, key: String, parts: String) -> Benchmark {
    denseSpectrum(S.self, key: key, group: "convnet5", summary: "dense J·Jᵀ (784 rows of J) and its full eigendecomposition",
                  parts: parts, repeats: { max(3, $0 / 4) }, victim: CoreBenchmarks.convnet5Victim)
  }

  /// The dense path on convnet5 (13 classes, uniform weights, seed 0) and `photos:chelsea`
  /// (dx 3072, dθ 21 745), one run as in the anchors, with the time of each stage.
  static func photoDenseSpectrum<S: TensorScalar>(_: S.Type, key: String, parts: String) -> Benchmark {
    denseSpectrum(S.self, key: key, group: "photo", summary: "dense J·Jᵀ (3072 rows of J) and its eigendecomposition, convnet5 on photos:chelsea",
                  parts: parts, repeats: { _ in 1 }) {
      let network = try ModelSpec(.convnet5, inputShape: [3, 32, 32], classCount: 13).makeNetwork()
      let (image, label) = try BenchmarkData.chelsea()
      return try VictimBatch(network: network, weights: Initializer.uniform.weights(for: network, seed: 0),
                             images: image, labels: [label])
    }
  }

  /// A dense-spectrum benchmark of `victim` in the precision of `S`: `repeats(runs)` spectra, the
  /// one with the median total reported with its parts.
  static func denseSpectrum<S: TensorScalar>(
    _: S.Type, key: String, group: String, summary: String, parts: String,
    repeats: @escaping (Int) -> Int, victim: @escaping () throws -> VictimBatch
  ) -> Benchmark {
    Benchmark(key: key, unit: .milliseconds, group: group, summary: "\(summary), \(S.dtype.rawValue)",
              parts: denseSpectrumParts(parts)) { runs in
      let jacobian = MixedJacobian<S>(try victim())
      var spectra = try (0..<repeats(runs)).map { _ in try timedDenseSpectrum(jacobian) }
      spectra.sort { $0[0] < $1[0] }
      return spectra[spectra.count / 2]
    }
  }

  /// The parts of a dense-spectrum benchmark: `PREFIX_J_ms`, `PREFIX_JJT_ms`, `PREFIX_eigh_ms`.
  static func denseSpectrumParts(_ prefix: String) -> [Benchmark.Part] {
    [Benchmark.Part(key: "\(prefix)_J_ms", summary: "  the rows of J (batched Jᵀ·e_i)"),
     Benchmark.Part(key: "\(prefix)_JJT_ms", summary: "  J·Jᵀ"),
     Benchmark.Part(key: "\(prefix)_eigh_ms", summary: "  eigendecomposition of J·Jᵀ")]
  }

  /// One dense spectrum of `jacobian`: total, J, J·Jᵀ and eigendecomposition, in milliseconds.
  static func timedDenseSpectrum<S: TensorScalar>(_ jacobian: MixedJacobian<S>) throws -> [Double] {
    let stopwatch = Stopwatch()
    let gram = try DenseGram(jacobian)
    return [stopwatch.milliseconds, 1000 * gram.timings.jacobian, 1000 * gram.timings.gram, 1000 * gram.timings.eigendecomposition]
  }

  /// `i2f bound --sample photos:chelsea --method matrix-free` without printing: convnet5 (uniform
  /// weights, seed 0), δ Gaussian σ = 1e-3, λmax, the lower bound and the ridge I2F (relative
  /// ε = 1e-6) by Lanczos and CG in Float64; J·Jᵀ here has a condition number near 1e8.
  static var photoMatrixFree: Benchmark {
    Benchmark(key: "photo_matrix_free_s", unit: .seconds, group: "photo",
              summary: "matrix-free λmax, lower bound and ridge I2F (bound --method matrix-free), F64, photos:chelsea") { runs in
      var scenario = Scenario()
      scenario.sample = "photos:chelsea"
      scenario.method = .matrixFree
      let catalogue = SampleCatalogue()
      return try Stopwatch.median(runs: max(1, runs / 10), warmup: 0) { _ = try ScenarioRun(scenario, catalogue: catalogue) } / 1000
    }
  }

  static func attackStepper(_ config: AttackConfiguration) throws -> AttackStepper<Float> {
    let victim = try CoreBenchmarks.convnet5Victim()
    let g0 = MixedJacobian<Float>(victim).sharedGradientF64
    return try AttackStepper<Float>(problem: AttackProblem(victim: victim, observedGradient: g0, inferLabels: true), configuration: config)
  }
}
