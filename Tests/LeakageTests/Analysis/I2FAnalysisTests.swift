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
    let ridge = Ridge.relative(1e-6)
    let dense = try Analysis(victim, method: .dense, ridge: ridge)
    let free = try Analysis(victim, method: .matrixFree, ridge: ridge)
    var rng = SeededRandom(seed: 5)
    let delta = Tensor<Double>.normal([victim.parameterCount], std: 1e-3, using: &rng)
    let a = try dense.evaluate(delta: delta, ridge: ridge, gaussianSigma: 1e-3)
    let b = try free.evaluate(delta: delta, ridge: ridge, gaussianSigma: 1e-3)
    #expect(a.method == "dense" && b.method == "matrix-free")
    #expect(a.rank == victim.inputCount)
    #expect(Self.relative(try #require(b.lambdaMax), try #require(a.lambdaMax)) < 1e-8)
    #expect(Self.relative(try #require(b.lambdaMinEstimate), try #require(a.lambdaMin)) < 1e-6)
    // The matrix-free path reports the ridge forms only, and no rank.
    #expect(b.rank == nil && b.i2fNorm == nil && b.upperBound == nil && b.expectedRMSE == nil)
    #expect(Self.relative(try #require(b.i2fRidgeNorm), try #require(a.i2fRidgeNorm)) < 1e-8)
    let (x, y) = (try #require(a.ridgeShift), try #require(b.ridgeShift))
    #expect(zip(x, y).map { Swift.abs($0 - $1) }.max()! <= 1e-7 * x.map(Swift.abs).max()!)
    // Hutchinson's trace of (J·Jᵀ + εI)⁻¹ is an estimate: within 25% with 16 probes here.
    let epsilon = try #require(b.ridge)
    let exactRidgeTrace = try #require(dense.eigenvalues).reduce(0) { $0 + 1 / ($1 + epsilon) }
    #expect(Self.relative(try #require(b.traceOfRidgeInverse), exactRidgeTrace) < 0.25)
  }

  /// J·Jᵀ as `J·(Jᵀ·e_i)` by a second batched pass agrees with J materialised and one GEMM: the
  /// spectrum to rounding and a solve to the condition number's share of it, in both precisions.
  @Test(arguments: [DType.float64, .float32])
  func gramByProductsMatchesRowsOfJ(precision: DType) throws {
    let victim = try TestVictims.make(.convnet5, inputShape: [1, 20, 20], seed: 2)
    let jacobian: any JacobianProducts = precision == .float32 ? MixedJacobian<Float>(victim) : MixedJacobian<Double>(victim)
    let rows = try DenseGram(jacobian, method: .rowsOfJ)
    let products = try DenseGram(jacobian, method: .products)
    #expect(rows.gramMethod == .rowsOfJ && products.gramMethod == .products)
    #expect(products.timings.jacobian > 0 && products.timings.gram > 0)
    let tolerance = precision == .float32 ? 1e-5 : 1e-12
    let top = rows.lambdaMax
    let (x, y) = (rows.eigen.eigenvalues, products.eigen.eigenvalues)
    #expect(zip(x, y).map { Swift.abs($0 - $1) }.max()! <= tolerance * top)
    #expect(top / rows.lambdaMin > 1e3, "a well-conditioned problem would not test much")
    var rng = SeededRandom(seed: 9)
    let b = (0..<victim.inputCount).map { _ in rng.normal() }
    let (u, v) = (try rows.solve(b), try products.solve(b))
    let error = zip(u, v).map { Swift.abs($0 - $1) }.max()!, scale = u.map(Swift.abs).max()!
    #expect(error <= (precision == .float32 ? 1e-2 : 1e-7) * scale)
  }

  /// `automatic` takes the second pass where it is cheaper (an MLP's pass costs a few dθ per
  /// vector, far below 0.4·dx·dθ at dx = 64) and J with one GEMM where the GEMM is (one input).
  @Test func automaticGramMethodFollowsTheCost() throws {
    let wide = MixedJacobian<Double>(try TestVictims.make(.mlp, inputShape: [1, 8, 8], width: 16))
    #expect(DenseGram.GramMethod.automatic.resolved(for: wide) == .products)
    let single = MixedJacobian<Double>(try TestVictims.make(.mlp, inputShape: [1, 1, 1], width: 16))
    #expect(DenseGram.GramMethod.automatic.resolved(for: single) == .rowsOfJ)
    #expect(DenseGram.GramMethod.rowsOfJ.resolved(for: wide) == .rowsOfJ)
  }

  /// `--precision f32` forms J and J·Jᵀ in Float32 (the eigendecomposition stays Float64): on a
  /// full-rank convnet5 problem every reported number stays within 1e-4 of the Float64 path.
  @Test func float32DenseSpectrumMatchesFloat64() throws {
    let victim = try TestVictims.make(.convnet5, inputShape: [1, 20, 20], seed: 2)
    var rng = SeededRandom(seed: 6)
    let delta = Tensor<Double>.normal([victim.parameterCount], std: 1e-3, using: &rng)
    let (single, double) = try (Analysis(victim, method: .dense, precision: .f32), Analysis(victim, method: .dense, precision: .f64))
    let a = try single.evaluate(delta: delta, ridge: .relative(1e-6), gaussianSigma: 1e-3)
    let b = try double.evaluate(delta: delta, ridge: .relative(1e-6), gaussianSigma: 1e-3)
    #expect(b.rank == victim.inputCount)
    let condition = try #require(b.lambdaMax) / (try #require(b.lambdaMin))
    #expect(condition > 1e3, "a well-conditioned problem would not test much: \(condition)")
    for (name, x, y) in [("λmax", a.lambdaMax, b.lambdaMax), ("λmin", a.lambdaMin, b.lambdaMin), ("‖I2F‖", a.i2fNorm, b.i2fNorm),
                         ("expected RMSE", a.expectedRMSE, b.expectedRMSE), ("lower bound", a.lowerBound, b.lowerBound)] {
      #expect(Self.relative(try #require(x), try #require(y)) < 1e-4, "\(name)")
    }
  }

  @Test func matrixFreeOnASingularGramReportsNoPseudoInverseQuantities() throws {
    // dθ = 64·2 + 2 + 2·10 + 10 = 160 parameters for dx = 4·64 = 256 inputs: J·Jᵀ is singular.
    // Before, the matrix-free path printed rank = dx and an expected RMSE swamped by (dx − rank)/ε.
    let victim = try TestVictims.make(.mlp, batch: 4, width: 2)
    let ridge = Ridge.relative(1e-6)
    let dense = try Analysis(victim, method: .dense, ridge: ridge)
    let free = try Analysis(victim, method: .matrixFree, ridge: ridge)
    var rng = SeededRandom(seed: 8)
    let delta = Tensor<Double>.normal([victim.parameterCount], std: 0.01, using: &rng)
    let a = try dense.evaluate(delta: delta, ridge: ridge, gaussianSigma: 0.01)
    let b = try free.evaluate(delta: delta, ridge: ridge, gaussianSigma: 0.01)
    #expect(try #require(a.rank) < victim.inputCount)
    #expect(b.rank == nil && b.i2fNorm == nil && b.predictedRMSE == nil && b.expectedRMSE == nil && b.traceOfInverse == nil)
    #expect(b.sigma(forTargetRMSE: 0.1) == nil)
    // What it does report agrees with the dense path's ridge forms.
    #expect(Self.relative(try #require(b.i2fRidgeNorm), try #require(a.i2fRidgeNorm)) < 1e-6)
    let epsilon = try #require(b.ridge)
    let exactRidgeTrace = try #require(dense.eigenvalues).reduce(0) { $0 + 1 / (Swift.max($1, 0) + epsilon) }
    #expect(Self.relative(try #require(b.traceOfRidgeInverse), exactRidgeTrace) < 0.25)
    #expect(Self.relative(try #require(b.expectedRidgeRMSE), 0.01 * (exactRidgeTrace / 256).squareRoot()) < 0.15)
  }

  @Test func stagesReportOnlyWhatTheyComputed() throws {
    let victim = try TestVictims.make(.convnet5, seed: 2)
    let scenario = Scenario()
    let products = Analysis(productsOf: victim)
    let quick = try products.withLargestEigenvalue()
    let full = try quick.withSpectrum(.dense, ridge: scenario.ridge)
    let (e0, e1, e2) = (try scenario.evaluate(products), try scenario.evaluate(quick), try scenario.evaluate(full))
    // δ is the same at every stage, so is ‖J·δ‖.
    #expect(e0.delta == e2.delta && e0.jDeltaNorm == e2.jDeltaNorm)
    #expect(e0.lambdaMax == nil && e0.lowerBound == nil && e0.i2fNorm == nil && e0.predictedImages == nil)
    #expect(e1.i2fNorm == nil && e1.rank == nil)
    #expect(Self.relative(try #require(e1.lowerBound), try #require(e2.lowerBound)) < 1e-5)
    #expect(e2.i2fNorm != nil && e2.rank != nil && e2.predictedImages != nil)
    // The lower-bound method stops at the λmax stage.
    let lowerBoundOnly = try products.withSpectrum(.lowerBound, ridge: scenario.ridge)
    #expect(!lowerBoundOnly.isComplete && lowerBoundOnly.lambdaMax == quick.lambdaMax)
  }

  @Test(arguments: [Architecture.mlp, .convnet5, .lenet5])
  func boundsHoldOnRandomCases(_ architecture: Architecture) throws {
    for seed in UInt64(1)...3 {
      let victim = try TestVictims.make(architecture, seed: seed)
      let analysis = try Analysis(victim, method: .dense)
      var rng = SeededRandom(seed: seed + 10)
      let delta = Tensor<Double>.normal([victim.parameterCount], std: 0.01, using: &rng)
      let r = try analysis.evaluate(delta: delta, ridge: .absolute(0))
      let (lb, i2f) = (try #require(r.lowerBound), try #require(r.i2fNorm))
      #expect(lb <= i2f * (1 + 1e-10), "\(architecture) seed \(seed): lb \(lb) > ‖I2F‖ \(i2f)")
      if let ub = r.upperBound {
        #expect(i2f <= ub * (1 + 1e-10), "\(architecture) seed \(seed): ‖I2F‖ \(i2f) > ub \(ub)")
      } else {
        #expect(r.rank! < victim.inputCount)
      }
    }
  }

  @Test func singularDirectionsMoveTheReconstructionByCOverSigma() throws {
    let victim = try TestVictims.make(.convnet5, seed: 2)
    let analysis = try Analysis(victim, method: .dense)
    let c = 0.05
    for (end, k) in [(SpectralEnd.top, 1), (.top, 3), (.bottom, 1), (.bottom, 4)] {
      let delta = try analysis.singularDirection(end, k, norm: c)
      #expect(Swift.abs(delta.norm() - c) < 1e-12)
      let sigma = try analysis.singularValue(end, k)
      let i2f = try #require(try analysis.evaluate(delta: delta, ridge: .absolute(0)).i2fNorm)
      #expect(Self.relative(i2f, c / sigma) < 1e-6, "\(end):\(k): ‖I2F‖ \(i2f), c/σ \(c / sigma)")
    }
    let top = try #require(try analysis.evaluate(delta: analysis.singularDirection(.top, 1, norm: c), ridge: .absolute(0)).i2fNorm)
    let bottom = try #require(try analysis.evaluate(delta: analysis.singularDirection(.bottom, 1, norm: c), ridge: .absolute(0)).i2fNorm)
    #expect(bottom > 10 * top, "bottom directions should move the reconstruction far more")
  }

  @Test func rankDeficientGramUsesThePseudoInverseAndDropsTheUpperBound() throws {
    // dθ = 64·2 + 2 + 2·10 + 10 = 160 parameters for dx = 4·64 = 256 inputs: rank ≤ 160.
    let victim = try TestVictims.make(.mlp, batch: 4, width: 2)
    let analysis = try Analysis(victim, method: .dense)
    var rng = SeededRandom(seed: 8)
    let r = try analysis.evaluate(delta: Tensor<Double>.normal([victim.parameterCount], std: 0.01, using: &rng), ridge: .absolute(0))
    let rank = try #require(r.rank)
    #expect(rank <= 160 && rank > 100)
    #expect(r.upperBound == nil && r.condition == nil)
    let i2f = try #require(r.i2fNorm)
    let lb = try #require(r.lowerBound)
    #expect(i2f.isFinite && lb <= i2f * (1 + 1e-10))
    #expect(try #require(r.lambdaMin) < 1e-10 * (try #require(r.lambdaMax)))
  }

  @Test func gaussianExpectationMatchesMonteCarlo() throws {
    let victim = try TestVictims.make(.mlp, width: 12, seed: 4)
    let analysis = try Analysis(victim, method: .dense)
    let sigma = 1e-3
    var rng = SeededRandom(seed: 11)
    var sum = 0.0
    let trials = 400
    var expected = 0.0
    for _ in 0..<trials {
      let r = try analysis.evaluate(delta: Tensor<Double>.normal([victim.parameterCount], std: sigma, using: &rng), ridge: .absolute(0), gaussianSigma: sigma)
      sum += r.i2fNorm! * r.i2fNorm!
      expected = r.expectedRMSE! * r.expectedRMSE! * Double(victim.inputCount)
    }
    #expect(Self.relative(sum / Double(trials), expected) < 0.2, "Monte Carlo \(sum / Double(trials)) vs σ²·tr \(expected)")
    // And the inverse formula gives back σ for the expected RMSE it predicts.
    let r = try analysis.evaluate(delta: Tensor(zeros: [victim.parameterCount]), ridge: .absolute(0), gaussianSigma: sigma)
    #expect(Self.relative(try #require(r.sigma(forTargetRMSE: r.expectedRMSE!)), sigma) < 1e-12)
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
