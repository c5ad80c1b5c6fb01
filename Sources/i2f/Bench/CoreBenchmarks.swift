import Autodiff
import Leakage

/// Benchmarks of the numeric core: GEMM throughput, the convnet5 gradient products, and ResNet-18's.
enum CoreBenchmarks {
  static var all: [Benchmark] {
    [gemm(Float.self, key: "gemm_f32_512_gflops"), gemm(Double.self, key: "gemm_f64_512_gflops")]
      + convnet5(Float.self, suffix: "") + convnet5Products(Double.self, suffix: "_f64")
      + resnet18(Float.self, suffix: "") + resnet18(Double.self, suffix: "_f64") + [resnet18LambdaMax] + resnet18Rates
  }

  /// C = A·B at 512³ on all cores.
  static func gemm<S: TensorScalar>(_: S.Type, key: String) -> Benchmark {
    Benchmark(key: key, unit: .gflops, group: "gemm", summary: "\(S.dtype.rawValue) GEMM 512×512×512") { runs in
      var rng = SeededRandom(seed: 1)
      let n = 512
      let a = Tensor<S>.normal([n, n], using: &rng), b = Tensor<S>.normal([n, n], using: &rng)
      var c = [S](repeating: 0, count: n * n)
      let ms = Stopwatch.median(runs: max(runs, 10), warmup: 2) {
        a.scalars.withUnsafeBufferPointer { ap in
          b.scalars.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
              S.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: ap.baseAddress!, lda: n,
                     b: bp.baseAddress!, ldb: n, beta: 0, c: cp.baseAddress!, ldc: n)
            }
          }
        }
      }
      return 2 * Double(n * n * n) / (ms * 1e6)
    }
  }

  /// The victim of the convnet5 benchmarks, the anchors' workload: convnet5 (10 classes, uniform
  /// weights with seed 0) on MNIST test image 0 (see ``BenchmarkData``).
  static func convnet5Victim() throws -> VictimBatch {
    let network = try ModelSpec(.convnet5, inputShape: [1, 28, 28], classCount: 10).makeNetwork()
    let (image, label) = BenchmarkData.mnistTestImage0
    return try VictimBatch(network: network, weights: Initializer.uniform.weights(for: network, seed: 0),
                           images: image, labels: [label])
  }

  static func convnet5<S: TensorScalar>(_: S.Type, suffix: String) -> [Benchmark] {
    [
      Benchmark(key: "convnet5_forward_ms", unit: .milliseconds, group: "convnet5", summary: "logits of one 1×28×28 image (no graph)") { runs in
        let victim = try convnet5Victim()
        let (_, binding) = victim.weights.bind(victim.network, as: S.self, requiresGrad: false)
        let x = Variable(Tensor<S>(victim.images))
        return Stopwatch.median(runs: runs) { _ = victim.network.logits(x, binding) }
      },
      gradient(Float.self, key: "convnet5_grad_ms"),
      gradient(Double.self, key: "convnet5_grad_ms_f64"),
      gradient(Float.self, key: "convnet5_grad_uncached_ms", compiled: false),
    ] + convnet5Products(S.self, suffix: suffix)
  }

  /// ∇θL of one image: forward and backward pass, replaying the compiled graph (as training does),
  /// or building the graph every time.
  static func gradient<S: TensorScalar>(_: S.Type, key: String, compiled: Bool = true) -> Benchmark {
    Benchmark(key: key, unit: .milliseconds, group: "convnet5",
              summary: "∇θL for one image (forward + backward, \(S.dtype.rawValue), \(compiled ? "cached graph" : "graph built every time"))") { runs in
      let measure = try lossGradient(convnet5Victim(), S.self, compiled: compiled)
      return Stopwatch.median(runs: runs) { measure() }
    }
  }

  /// One ∇θL of the victim's batch: by ``LossGradient`` (the graph compiled on the first call), or
  /// recorded and differentiated every time.
  static func lossGradient<S: TensorScalar>(_ victim: VictimBatch, _: S.Type, compiled: Bool) -> () -> Void {
    let (leaves, binding) = victim.weights.bind(victim.network, as: S.self)
    let images = Tensor<S>(victim.images)
    guard compiled else {
      return { _ = gradients(of: VictimBatch.loss(victim.network, Variable(images), binding, labels: victim.labels), withRespectTo: leaves) }
    }
    let gradient = LossGradient<S>(network: victim.network, buffers: victim.weights)
    let parameters = leaves.map(\.value)
    return { _ = gradient(parameters: parameters, images: images, labels: victim.labels) }
  }

  /// J·δ, Jᵀ·v and J·Jᵀ·v on the cached double-backward graph, and J·Jᵀ·v from scratch.
  static func convnet5Products<S: TensorScalar>(_: S.Type, suffix: String) -> [Benchmark] {
    func setup() throws -> (MixedJacobian<S>, Tensor<S>, Tensor<S>) {
      let victim = try convnet5Victim()
      let jac = MixedJacobian<S>(victim)
      var rng = SeededRandom(seed: 5)
      return (jac, Tensor<S>.normal([jac.parameterCount], using: &rng), Tensor<S>.normal([jac.inputCount], using: &rng))
    }
    return [
      Benchmark(key: "convnet5_jdelta_ms\(suffix)", unit: .milliseconds, group: "convnet5",
                summary: "one J·δ (\(S.dtype.rawValue), cached graph)") { runs in
        let (jac, delta, _) = try setup()
        return Stopwatch.median(runs: runs) { _ = jac.apply(delta) }
      },
      Benchmark(key: "convnet5_jtv_ms\(suffix)", unit: .milliseconds, group: "convnet5",
                summary: "one Jᵀ·v (\(S.dtype.rawValue), cached graph)") { runs in
        let (jac, _, v) = try setup()
        return Stopwatch.median(runs: runs) { _ = jac.applyTransposed(v) }
      },
      Benchmark(key: "convnet5_jjt_matvec_ms\(suffix)", unit: .milliseconds, group: "convnet5",
                summary: "one J·Jᵀ·v (\(S.dtype.rawValue), cached graph)") { runs in
        let (jac, _, v) = try setup()
        return Stopwatch.median(runs: runs) { _ = jac.applyGram(v) }
      },
      Benchmark(key: "convnet5_jjt_matvec_cold_ms\(suffix)", unit: .milliseconds, group: "convnet5",
                summary: "J·Jᵀ·v including building the double-backward graph (\(S.dtype.rawValue))") { runs in
        let victim = try convnet5Victim()
        var rng = SeededRandom(seed: 5)
        let v = Tensor<S>.normal([victim.inputCount], using: &rng)
        return Stopwatch.median(runs: runs) { _ = MixedJacobian<S>(victim).applyGram(v) }
      },
    ]
  }

  /// The CIFAR ResNet-18 (11.2 M parameters, Kaiming weights) on one 3×32×32 image, as the PyTorch
  /// anchor measures it.
  static func resnet18Victim() throws -> VictimBatch {
    let network = try ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10).makeNetwork()
    var rng = SeededRandom(seed: 3)
    return try VictimBatch(network: network, weights: Initializer.kaiming.weights(for: network, seed: 0),
                           images: Tensor<Double>.uniform([1, 3, 32, 32], using: &rng), labels: [3])
  }

  static func resnet18<S: TensorScalar>(_: S.Type, suffix: String) -> [Benchmark] {
    [
      Benchmark(key: "resnet18_grad_ms\(suffix)", unit: .milliseconds, group: "resnet18",
                summary: "ResNet-18 ∇θL for one 3×32×32 image (\(S.dtype.rawValue), cached graph)") { runs in
        let measure = try lossGradient(resnet18Victim(), S.self, compiled: true)
        return Stopwatch.median(runs: max(3, runs / 4)) { measure() }
      },
      Benchmark(key: "resnet18_jjt_matvec_ms\(suffix)", unit: .milliseconds, group: "resnet18", summary: "ResNet-18 J·Jᵀ·v (\(S.dtype.rawValue), cached graph)") { runs in
        let jac = MixedJacobian<S>(try resnet18Victim())
        var rng = SeededRandom(seed: 5)
        let v = Tensor<S>.normal([jac.inputCount], using: &rng)
        return Stopwatch.median(runs: max(3, runs / 4)) { _ = jac.applyGram(v) }
      },
      Benchmark(key: "resnet18_jjt_matvec_cold_ms\(suffix)", unit: .milliseconds, group: "resnet18",
                summary: "ResNet-18 J·Jᵀ·v including building the double-backward graph (\(S.dtype.rawValue))") { runs in
        let victim = try resnet18Victim()
        var rng = SeededRandom(seed: 5)
        let v = Tensor<S>.normal([victim.inputCount], using: &rng)
        return Stopwatch.median(runs: max(3, runs / 4)) { _ = MixedJacobian<S>(victim).applyGram(v) }
      },
    ]
  }

  /// The arithmetic rates of ResNet-18's gradient and J·Jᵀ·v (F32): the multiply–adds of their
  /// convolutions and matrix products (counted in the compiled programs), ×2, over the median
  /// time. Against `gemm_f32_512_gflops` they show how close to the machine's peak those run.
  static var resnet18Rates: [Benchmark] {
    func rate(multiplyAdds: Double?, milliseconds: Double) -> Double { 2 * (multiplyAdds ?? .nan) / (milliseconds * 1e6) }
    return [
      Benchmark(key: "resnet18_grad_gflops", unit: .gflops, group: "resnet18",
                summary: "ResNet-18 ∇θL: arithmetic rate (F32, cached graph)") { runs in
        let victim = try resnet18Victim()
        let (leaves, _) = victim.weights.bind(victim.network, as: Float.self)
        let images = Tensor<Float>(victim.images), parameters = leaves.map(\.value)
        let gradient = LossGradient<Float>(network: victim.network, buffers: victim.weights)
        let ms = Stopwatch.median(runs: max(3, runs / 4)) { _ = gradient(parameters: parameters, images: images, labels: victim.labels) }
        return rate(multiplyAdds: gradient.multiplyAdds(imageShape: images.shape), milliseconds: ms)
      },
      Benchmark(key: "resnet18_jjt_matvec_gflops", unit: .gflops, group: "resnet18",
                summary: "ResNet-18 J·Jᵀ·v: arithmetic rate (F32, cached graph)") { runs in
        let jac = MixedJacobian<Float>(try resnet18Victim())
        var rng = SeededRandom(seed: 5)
        let v = Tensor<Float>.normal([jac.inputCount], using: &rng)
        let ms = Stopwatch.median(runs: max(3, runs / 4)) { _ = jac.applyGram(v) }
        return rate(multiplyAdds: jac.gramMultiplyAdds, milliseconds: ms)
      },
    ]
  }

  /// λmax of ResNet-18's J·Jᵀ by 30 steps of the power iteration (30 J·Jᵀ·v products, F32), as
  /// the PyTorch anchor runs it: the cost of the matrix-free path's products at this size.
  static var resnet18LambdaMax: Benchmark {
    Benchmark(key: "resnet18_lambda_max_s", unit: .seconds, group: "resnet18",
              summary: "ResNet-18 λmax of J·Jᵀ: 30 power-iteration J·Jᵀ·v products (F32, cached graph)") { _ in
      let jac = MixedJacobian<Float>(try resnet18Victim())
      var rng = SeededRandom(seed: 5)
      var u = Tensor<Float>.normal([jac.inputCount], using: &rng)
      let stopwatch = Stopwatch()
      u = u * Float(1 / u.norm())
      for _ in 0..<30 {
        let w = jac.applyGram(u)
        u = w * Float(1 / w.norm())
      }
      return stopwatch.milliseconds / 1000
    }
  }
}
