import Autodiff
import Leakage
import Solvers
import Testing

@Suite("I2F engine: Jacobian, spectrum, bounds")
struct I2FAnalysisTests {
  static func relative(_ a: Double, _ b: Double) -> Double { Swift.abs(a - b) / Swift.max(Swift.abs(b), .leastNormalMagnitude) }

  @Test func jacobianRowsEqualFiniteDifferencesOfTheGradient() throws {
    let victim = try TestVictims.make(.mlp, width: 6)
    let jacobian = MixedJacobian<Double>(victim)
    let dx = jacobian.inputCount
    var identity = Tensor<Double>(zeros: [dx, dx])
    for i in 0..<dx { identity.scalars[i * dx + i] = 1 }
    let rows = jacobian.applyTransposedBatch(identity)  // J, one row per pixel
    let h = 1e-5
    for i in [0, 17, 40, 63] {
      func gradient(_ sign: Double) throws -> Tensor<Double> {
        var x = victim.images
        x.scalars[i] += sign * h
        return MixedJacobian<Double>(try VictimBatch(network: victim.network, weights: victim.weights, images: x, labels: victim.labels)).sharedGradient
      }
      let numeric = (try gradient(1) - gradient(-1)) * (1 / (2 * h))
      let row = rows.sliced(axis: 0, i..<(i + 1)).reshaped([jacobian.parameterCount])
      #expect((row - numeric).maxAbs() <= 1e-7 * Swift.max(1, numeric.maxAbs()), "row \(i)")
    }
  }

  @Test func denseAndMatrixFreeAgree() throws {
    let victim = try TestVictims.make(.mlp, width: 12, seed: 3)
    let dense = try LeakageAnalysis(victim, method: .dense)
    let free = try LeakageAnalysis(victim, method: .matrixFree)
    #expect(Self.relative(free.lambdaMax, dense.lambdaMax) < 1e-8)
    #expect(Self.relative(free.lambdaMin, dense.lambdaMin) < 1e-8)
    var rng = SeededRandom(seed: 5)
    let delta = Tensor<Double>.normal([victim.parameterCount], std: 1e-3, using: &rng)
    let a = try dense.evaluate(delta: delta, ridge: 1e-6 * dense.lambdaMax, gaussianSigma: 1e-3)
    let b = try free.evaluate(delta: delta, ridge: 1e-6 * dense.lambdaMax, gaussianSigma: 1e-3)
    #expect(a.method == "dense" && b.method == "matrix-free")
    #expect(a.rank == victim.inputCount)
    #expect(Self.relative(b.i2fNorm, a.i2fNorm) < 1e-8)
    #expect(Self.relative(b.i2fRidgeNorm, a.i2fRidgeNorm) < 1e-8)
    #expect((b.shift - a.shift).maxAbs() <= 1e-7 * a.shift.maxAbs())
    // Hutchinson's trace is an estimate: within 25% with 16 probes here.
    #expect(Self.relative(b.traceOfInverse, a.traceOfInverse) < 0.25)
  }

  @Test(arguments: [Architecture.mlp, .convnet5, .lenet5])
  func boundsHoldOnRandomCases(_ architecture: Architecture) throws {
    for seed in UInt64(1)...3 {
      let victim = try TestVictims.make(architecture, seed: seed)
      let analysis = try LeakageAnalysis(victim, method: .dense)
      var rng = SeededRandom(seed: seed + 10)
      let delta = Tensor<Double>.normal([victim.parameterCount], std: 0.01, using: &rng)
      let r = try analysis.evaluate(delta: delta, ridge: 0)
      #expect(r.lowerBound <= r.i2fNorm * (1 + 1e-10), "\(architecture) seed \(seed): lb \(r.lowerBound) > ‖I2F‖ \(r.i2fNorm)")
      if let ub = r.upperBound {
        #expect(r.i2fNorm <= ub * (1 + 1e-10), "\(architecture) seed \(seed): ‖I2F‖ \(r.i2fNorm) > ub \(ub)")
      } else {
        #expect(r.rank! < victim.inputCount)
      }
    }
  }

  @Test func singularDirectionsMoveTheReconstructionByCOverSigma() throws {
    let victim = try TestVictims.make(.convnet5, seed: 2)
    let analysis = try LeakageAnalysis(victim, method: .dense)
    let c = 0.05
    for (end, k) in [(SpectralEnd.top, 1), (.top, 3), (.bottom, 1), (.bottom, 4)] {
      let delta = try analysis.singularDirection(end, k, norm: c)
      #expect(Swift.abs(delta.norm() - c) < 1e-12)
      let sigma = try analysis.singularValue(end, k)
      let r = try analysis.evaluate(delta: delta, ridge: 0)
      #expect(Self.relative(r.i2fNorm, c / sigma) < 1e-6, "\(end):\(k): ‖I2F‖ \(r.i2fNorm), c/σ \(c / sigma)")
    }
    let top = try analysis.evaluate(delta: analysis.singularDirection(.top, 1, norm: c), ridge: 0).i2fNorm
    let bottom = try analysis.evaluate(delta: analysis.singularDirection(.bottom, 1, norm: c), ridge: 0).i2fNorm
    #expect(bottom > 10 * top, "bottom directions should move the reconstruction far more")
  }

  @Test func rankDeficientGramUsesThePseudoInverseAndDropsTheUpperBound() throws {
    // dθ = 64·2 + 2 + 2·10 + 10 = 160 parameters for dx = 4·64 = 256 inputs: rank ≤ 160.
    let victim = try TestVictims.make(.mlp, batch: 4, width: 2)
    let analysis = try LeakageAnalysis(victim, method: .dense)
    var rng = SeededRandom(seed: 8)
    let r = try analysis.evaluate(delta: Tensor<Double>.normal([victim.parameterCount], std: 0.01, using: &rng), ridge: 0)
    let rank = try #require(r.rank)
    #expect(rank <= 160 && rank > 100)
    #expect(r.upperBound == nil)
    #expect(r.i2fNorm.isFinite && r.lowerBound <= r.i2fNorm * (1 + 1e-10))
    #expect(r.lambdaMin < 1e-10 * r.lambdaMax)
  }

  @Test func gaussianExpectationMatchesMonteCarlo() throws {
    let victim = try TestVictims.make(.mlp, width: 12, seed: 4)
    let analysis = try LeakageAnalysis(victim, method: .dense)
    let sigma = 1e-3
    var rng = SeededRandom(seed: 11)
    var sum = 0.0
    let trials = 400
    var expected = 0.0
    for _ in 0..<trials {
      let r = try analysis.evaluate(delta: Tensor<Double>.normal([victim.parameterCount], std: sigma, using: &rng), ridge: 0, gaussianSigma: sigma)
      sum += r.i2fNorm * r.i2fNorm
      expected = r.expectedI2FNorm! * r.expectedI2FNorm!
    }
    #expect(Self.relative(sum / Double(trials), expected) < 0.2, "Monte Carlo \(sum / Double(trials)) vs σ²·tr \(expected)")
    // And the inverse formula gives back σ for the expected RMSE it predicts.
    let r = try analysis.evaluate(delta: Tensor(zeros: [victim.parameterCount]), ridge: 0, gaussianSigma: sigma)
    #expect(Self.relative(r.sigma(forTargetRMSE: r.expectedRMSE!), sigma) < 1e-12)
  }

  @Test func perturbationsParseAndProduceTheirDefinitions() throws {
    #expect(try Perturbation(parsing: "gaussian:0.01") == .gaussian(sigma: 0.01))
    #expect(try Perturbation(parsing: "dp:1:0.5") == .differentialPrivacy(clip: 1, multiplier: 0.5))
    #expect(try Perturbation(parsing: "direction:bottom:3") == .direction(.bottom, 3))
    for bad in ["gaussian", "gaussian:-1", "prune:1.5", "direction:middle:1", "direction:top:0", "wiggle:1", "dp:0:1"] {
      #expect(throws: AnalysisError.self) { try Perturbation(parsing: bad) }
    }
    let network = try ModelSpec(.mlp, inputShape: [1, 8, 8], classCount: 10, hiddenWidth: 4).makeNetwork()
    let layout = ParameterLayout(network)
    var rng = SeededRandom(seed: 1)
    let g0 = Tensor<Double>.normal([layout.count], using: &rng)
    let noDirection: (SpectralEnd, Int) throws -> Tensor<Double> = { _, _ in Tensor(zeros: [layout.count]) }
    let pruned = g0 + (try Perturbation.prune(fraction: 0.25).delta(sharedGradient: g0, layout: layout, rng: &rng, direction: noDirection))
    #expect(pruned.scalars.filter { $0 == 0 }.count == layout.count / 4)
    let smallest = g0.scalars.map(Swift.abs).sorted()[layout.count / 4 - 1]
    #expect(zip(g0.scalars, pruned.scalars).allSatisfy { g, p in p == 0 ? Swift.abs(g) <= smallest : p == g })
    let dp = g0 + (try Perturbation.differentialPrivacy(clip: 0.5, multiplier: 0).delta(sharedGradient: g0, layout: layout, rng: &rng, direction: noDirection))
    #expect(Swift.abs(dp.norm() - 0.5) < 1e-12)
    let noise = try Perturbation.gaussian(sigma: 0.2).delta(sharedGradient: g0, layout: layout, rng: &rng, direction: noDirection)
    #expect(Swift.abs(noise.norm() / Double(layout.count).squareRoot() - 0.2) < 0.02)
  }
}
