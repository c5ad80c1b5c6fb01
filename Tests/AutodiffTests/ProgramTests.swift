import Testing

@testable import Autodiff

/// Compiled replays of recorded graphs (``Program``, ``ProgramCache``, ``ProgramSchedule``).
@Suite struct ProgramTests {
  /// A small sigmoid convnet's squared gradient distance and its gradient in the input, the
  /// attack objective's shape of graph: forward, backward with `createGraph`, backward again.
  static func objective(_ x: Variable<Double>, weights: [Tensor<Double>], target: Tensor<Double>, createGraph: Bool) -> [Variable<Double>] {
    let theta = weights.map { Variable($0, requiresGrad: true) }
    let h = x.conv2d(theta[0], bias: theta[1], window: Window2D(stride: 2, padding: 1)).sigmoid()
    let h2 = h.conv2d(theta[2], window: Window2D(stride: 1, padding: 1)).relu().maxPool2d(2)
    let loss = h2.flattened().linear(weight: theta[3], bias: nil).crossEntropy(labels: [2])
    let g = gradients(of: loss, withRespectTo: theta, createGraph: true)
    let flat = Variable.concatenated(g.map { $0.reshaped([$0.count]) }, axis: 0)
    let d = (flat - Variable(target)).square().sum()
    return [d, gradient(of: d, withRespectTo: x, createGraph: createGraph)]
  }

  static func fixture() -> (x: Tensor<Double>, weights: [Tensor<Double>], target: Tensor<Double>) {
    var rng = SeededRandom(seed: 11)
    let weights = [[3, 1, 3, 3], [3], [4, 3, 3, 3], [5, 16]].map { Tensor<Double>.normal($0, std: 0.5, using: &rng) }
    let count = weights.reduce(0) { $0 + $1.count }
    return (Tensor<Double>.uniform([1, 1, 8, 8], using: &rng), weights, Tensor<Double>.normal([count], std: 0.1, using: &rng))
  }

  @Test func replayEqualsAFreshGraphAtOtherInputs() throws {
    let (x0, weights, target) = Self.fixture()
    let leaf = Variable(x0, requiresGrad: true)
    let program = try Program(inputs: [leaf], outputs: Self.objective(leaf, weights: weights, target: target, createGraph: true))
    var rng = SeededRandom(seed: 12)
    for _ in 0..<3 {
      let x = Tensor<Double>.uniform(x0.shape, using: &rng)
      let fresh = Self.objective(Variable(x, requiresGrad: true), weights: weights, target: target, createGraph: false).map(\.value)
      // Same kernels on the same values in the same order: bit for bit, on one thread or all.
      #expect(program.runOnCallingThread([x]) == fresh)
      #expect(program.run([x]) == fresh)
    }
  }

  @Test func onlyTheInputDependentPartIsReplayed() throws {
    // J·δ = ∇ₓ⟨∇θL, δ⟩ with δ the input: the forward pass and ∇θL are recorded constants.
    let (x0, weights, _) = Self.fixture()
    let x = Variable(x0, requiresGrad: true)
    let theta = weights.map { Variable($0, requiresGrad: true) }
    let h = x.conv2d(theta[0], bias: theta[1], window: Window2D(stride: 2, padding: 1)).sigmoid()
    let loss = h.conv2d(theta[2], window: Window2D(stride: 1, padding: 1)).sigmoid().sum()
    let g = gradients(of: loss, withRespectTo: Array(theta.prefix(3)), createGraph: true)
    let flat = Variable.concatenated(g.map { $0.reshaped([$0.count]) }, axis: 0)
    var rng = SeededRandom(seed: 13)
    let seed = Variable(Tensor<Double>.normal(flat.shape, using: &rng), requiresGrad: true)
    let jDelta = gradients(of: flat, withRespectTo: [x], seed: seed, createGraph: true)[0]
    let program = try Program(inputs: [seed], outputs: [jDelta])
    // With x an input too, the forward pass and ∇θL are replayed as well.
    let everything = try Program(inputs: [x, seed], outputs: [jDelta])
    #expect(program.operationCount < everything.operationCount)
    let delta = Tensor<Double>.normal(flat.shape, using: &rng)
    let fresh = gradients(of: flat, withRespectTo: [x], seed: Variable(delta))[0].value
    #expect(program.run([delta])[0] == fresh)
  }

  @Test func multiplyAddsCountTheConvolutionsAndProducts() throws {
    let (x0, weights, _) = Self.fixture()
    let x = Variable(x0, requiresGrad: true)
    let h = x.conv2d(Variable(weights[0]), bias: Variable(weights[1]), window: Window2D(stride: 2, padding: 1)).sigmoid()
    let h2 = h.conv2d(Variable(weights[2]), window: Window2D(stride: 1, padding: 1)).relu().maxPool2d(2)
    let logits = h2.flattened().linear(weight: Variable(weights[3]), bias: nil)
    // conv1: 3·4·4 outputs × 1·3·3; conv2: 4·4·4 outputs × 3·3·3; linear: 5 outputs × 16.
    let conv1: Double = 48 * 9, conv2: Double = 64 * 27, linear: Double = 5 * 16
    #expect(try Program(inputs: [x], outputs: [logits]).multiplyAdds == conv1 + conv2 + linear)
    // ∇ₓ of the logits' sum: the convolutions again, and their input gradients. The product's
    // backward (ones·W) does not depend on x, and the logits themselves are not needed.
    let dx = gradient(of: logits.sum(), withRespectTo: x, createGraph: true)
    #expect(try Program(inputs: [x], outputs: [dx]).multiplyAdds == 2 * (conv1 + conv2))
  }

  @Test func graphsWithoutForwardFunctionsAreNotCompiled() {
    let x = Variable(Tensor<Double>(shape: [3], scalars: [1, -2, 3]), requiresGrad: true)
    let opaque = Variable.record("opaque", x.value.map(.square), inputs: [x]) { c in [c.gradient * (c.inputs[0] * 2)] }
    #expect(throws: ProgramError.notReplayable(operation: "opaque")) { try Program(inputs: [x], outputs: [opaque.sum()]) }
    // The cache falls back to recording every time, with the right values.
    let cache = ProgramCache<Int, Double>()
    for scalars: [Double] in [[1, 2, 3], [-1, 0.5, 4]] {
      let out = cache.run(0, [Tensor(shape: [3], scalars: scalars)]) { leaves, createGraph in
        let y = Variable.record("opaque", leaves[0].value.map(.square), inputs: [leaves[0]]) { c in [c.gradient * (c.inputs[0] * 2)] }
        return [y.sum(), gradient(of: y.sum(), withRespectTo: leaves[0], createGraph: createGraph)]
      }
      #expect(out[0].scalar == scalars.map { $0 * $0 }.reduce(0, +))
      #expect(out[1].scalars == scalars.map { 2 * $0 })
    }
    #expect(!cache.isCompiled(0))
  }

  @Test func cacheCompilesOnFirstUseAndReplaysAfter() {
    let cache = ProgramCache<Int, Double>()
    func evaluate(_ scalars: [Double]) -> [Double] {
      cache.run(4, [Tensor(shape: [2, 2], scalars: scalars)]) { leaves, createGraph in
        [gradient(of: (leaves[0].sigmoid() * leaves[0]).sum(), withRespectTo: leaves[0], createGraph: createGraph)]
      }[0].scalars
    }
    let first = evaluate([0.1, -0.2, 0.3, 2])
    #expect(cache.isCompiled(4))
    for scalars: [Double] in [[0.1, -0.2, 0.3, 2], [1, 2, -3, 0]] {
      let x = Variable(Tensor(shape: [2, 2], scalars: scalars), requiresGrad: true)
      #expect(evaluate(scalars) == gradient(of: (x.sigmoid() * x).sum(), withRespectTo: x).value.scalars)
    }
    #expect(first == evaluate([0.1, -0.2, 0.3, 2]))
  }

  @Test func scheduleIsTopologicalAndKeepsTwoProcessorsBusy() {
    var rng = SeededRandom(seed: 5)
    for trial in 0..<20 {
      let n = 40 + trial
      let dependencies = (0..<n).map { i in (0..<i).filter { _ in rng.uniform() < 0.08 } }
      let costs = (0..<n).map { _ in 1 + 10 * rng.uniform() }
      let order = ProgramSchedule(costs: costs, dependencies: dependencies, processors: 2).order
      #expect(order.sorted() == Array(0..<n))
      var position = [Int](repeating: 0, count: n)
      for (k, i) in order.enumerated() { position[i] = k }
      #expect((0..<n).allSatisfy { i in dependencies[i].allSatisfy { position[$0] < position[i] } })
    }
    // Two independent chains interleave instead of running one after the other.
    let chains = (0..<10).map { i in i < 2 ? [] : [i - 2] }
    let schedule = ProgramSchedule(costs: [Double](repeating: 1, count: 10), dependencies: chains, processors: 2)
    #expect(Set(schedule.order.prefix(2)) == [0, 1])
    #expect(schedule.makespan == 5)
  }

  @Test func onlyGraphsWithEnoughParallelWorkRunOnAllCores() {
    guard Parallel.coreCount > 1 else { return }
    let costs = [Double](repeating: 1, count: 10)
    // Two independent chains: twice as fast on two cores.
    #expect(Program<Double>.parallelOrder(costs: costs, dependencies: (0..<10).map { $0 < 2 ? [] : [$0 - 2] }) != nil)
    // One chain: nothing to gain, one thread.
    #expect(Program<Double>.parallelOrder(costs: costs, dependencies: (0..<10).map { $0 == 0 ? [] : [$0 - 1] }) == nil)
    // A step large enough to split itself across the cores: one thread.
    #expect(Program<Double>.parallelOrder(costs: costs + [2 * Program<Double>.largestParallelStep], dependencies: (0..<11).map { $0 < 2 ? [] : [$0 - 2] }) == nil)
  }
}
