import Autodiff
import Foundation
import Leakage
import Testing

@Suite("Attacks, label inference and the stepper")
struct AttackTests {
  /// A digits sample as a victim of `architecture` with fresh `uniform` weights.
  static func digitsVictim(_ index: Int, _ architecture: Architecture, width: Int = 32, seed: UInt64 = 0) throws -> VictimBatch {
    let sample = try EmbeddedSamples.catalogue.sample("digits:\(index)")
    let network = try ModelSpec(architecture, inputShape: sample.imageShape, classCount: 10, hiddenWidth: width).makeNetwork()
    return try VictimBatch(network: network, weights: Initializer.uniform.weights(for: network, seed: seed),
                           images: sample.images, labels: sample.labels)
  }

  @Test func dlgRecoversTheImageExactlyWithoutNoise() throws {
    let victim = try Self.digitsVictim(3, .mlp)
    let g0 = MixedJacobian<Double>(victim).sharedGradient
    let problem = AttackProblem(victim: victim, observedGradient: g0, inferLabels: true)
    #expect(problem.labelsAreCorrect)
    var attack = try AttackStepper<Double>(problem: problem, configuration: .dlg)
    attack.run()
    let m = attack.metrics()
    #expect(m.rmse < 1e-3, "DLG RMSE \(m.rmse) after \(attack.iterationsDone) iterations, objective \(attack.objectiveValue)")
  }

  @Test func invertingGradientsGivesARecognisableDigit() throws {
    let victim = try Self.digitsVictim(0, .convnet5)
    let g0 = MixedJacobian<Double>(victim).sharedGradient
    let problem = AttackProblem(victim: victim, observedGradient: g0, inferLabels: true)
    var attack = try AttackStepper<Float>(problem: problem, configuration: .ig)
    attack.run()
    let ssim = attack.metrics().ssim
    #expect(ssim > 0.5, "IG SSIM \(ssim)")
  }

  @Test func dlgNearTheTruthLandsWhereI2FPredicts() throws {
    // I2F is a first-order prediction for an attack that reaches the optimum: start DLG at the
    // truth (plus tiny noise) with a small δ, in Float64.
    let victim = try Self.digitsVictim(5, .mlp, width: 48)
    let analysis = try Analysis(victim, method: .dense)
    var rng = SeededRandom(seed: 3)
    var errors: [Double] = []
    for scale in [1e-4, 1e-5] {
      let delta = Tensor<Double>.normal([victim.parameterCount], std: scale, using: &rng)
      let prediction = try analysis.evaluate(delta: delta, ridge: .absolute(0))
      let (predicted, i2f) = (try #require(prediction.predictedImages), try #require(prediction.i2fNorm))
      let problem = AttackProblem(victim: victim, observedGradient: analysis.sharedGradient + delta, inferLabels: false)
      var config = AttackConfiguration.dlg
      config.initialization = .truthPlusNoise(1e-4)
      config.iterations = 200
      var attack = try AttackStepper<Double>(problem: problem, configuration: config)
      attack.run()
      let gap = (attack.reconstruction - predicted).norm()
      errors.append(gap / i2f)
      #expect(gap <= 0.01 * i2f, "σ \(scale): ‖x̂ − (x0 + I2F)‖ = \(gap), ‖I2F‖ = \(i2f)")
      #expect(attack.status == .converged, "σ \(scale): \(attack.status)")
    }
    // Both land within 1% of the prediction; what remains is the optimiser's floor, not the
    // linearisation (whose error would shrink with δ).
    #expect(errors.allSatisfy { $0 < 0.01 }, "\(errors)")
  }

  @Test func labelInferenceIsRightOnEveryDigit() throws {
    let digits = try EmbeddedSamples.catalogue.dataset(named: "digits")
    let network = try ModelSpec(.convnet5, inputShape: digits.imageShape, classCount: 10).makeNetwork()
    let weights = Initializer.uniform.weights(for: network, seed: 0)
    let (leaves, binding) = weights.bind(network, as: Float.self)
    var wrong: [Int] = []
    for i in 0..<digits.count {
      let x = Variable(try digits.image(at: i, as: Float.self))
      let label = try digits.label(at: i)
      let g = gradients(of: VictimBatch.loss(network, x, binding, labels: [label]), withRespectTo: leaves)
      let flat = Tensor<Double>(shape: [network.parameterCount], scalars: g.flatMap { $0.value.scalars.map(Double.init) })
      if LabelInference.infer(from: flat, network: network, batchSize: 1) != [label] { wrong.append(i) }
    }
    #expect(wrong.isEmpty, "label inference wrong on \(wrong.count) of \(digits.count) digits: \(wrong.prefix(10))")
  }

  @Test func batchLabelsAreInferredAsAMultiset() throws {
    let sample = try EmbeddedSamples.catalogue.sample("digits:0,1,2")
    let network = try ModelSpec(.convnet5, inputShape: sample.imageShape, classCount: 10).makeNetwork()
    let victim = try VictimBatch(network: network, weights: Initializer.uniform.weights(for: network, seed: 0),
                                 images: sample.images, labels: sample.labels)
    let g0 = MixedJacobian<Double>(victim).sharedGradient
    #expect(LabelInference.infer(from: g0, network: network, batchSize: 3) == sample.labels.sorted())
  }

  @Test(arguments: ["dlg", "l2adam", "ig"])
  func steppersCloneResetAndResumeBitForBit(_ preset: String) throws {
    let victim = try Self.digitsVictim(7, .convnet5)
    let g0 = MixedJacobian<Double>(victim).sharedGradient
    let problem = AttackProblem(victim: victim, observedGradient: g0, inferLabels: true)
    var config = try AttackConfiguration.preset(named: preset)
    config.iterations = 40
    config.restarts = 2
    var a = try AttackStepper<Float>(problem: problem, configuration: config)
    for _ in 0..<15 { a.step() }
    var clone = a
    let saved = try a.state.encoded()
    var resumed = try AttackStepper<Float>(problem: problem, resuming: AttackState(encoded: saved))
    for _ in 0..<50 { a.step(); clone.step(); resumed.step() }
    #expect(a.state == clone.state)
    #expect(a.state == resumed.state)
    #expect(a.state.trial == 1)
    var fresh = try AttackStepper<Float>(problem: problem, configuration: config)
    a.reset()
    #expect(a.state == fresh.state)
    a.run(); fresh.run()
    #expect(a.isFinished && a.reconstruction == fresh.reconstruction)
    // Restarts are chosen by the attack's own objective, never by similarity to the truth.
    // (A trial may stop early, so its final record is its last one.)
    let finals = (0..<config.restarts).compactMap { t in a.state.history.last { $0.trial == t } }
    #expect(finals.count == config.restarts)
    #expect(a.state.bestObjective == finals.map(\.objective).min())
  }

  @Test func metricsFollowTheirDefinitions() throws {
    var rng = SeededRandom(seed: 1)
    let truth = Tensor<Double>.uniform([3, 1, 12, 12], using: &rng)
    let same = ImageMetrics(reconstruction: truth, truth: truth)
    #expect(same.mse == 0 && same.psnr == .infinity && Swift.abs(same.ssim - 1) < 1e-12)
    // A permuted batch matches back to the originals.
    let permuted = Tensor.concatenated([truth.sliced(axis: 0, 2..<3), truth.sliced(axis: 0, 0..<1), truth.sliced(axis: 0, 1..<2)], axis: 0)
    let m = ImageMetrics(reconstruction: permuted, truth: truth)
    #expect(m.matching == [2, 0, 1] && m.mse == 0)
    let shifted = truth + 0.1
    let s = ImageMetrics(reconstruction: shifted, truth: truth)
    #expect(Swift.abs(s.rmse - 0.1) < 1e-12 && Swift.abs(s.psnr - 20) < 1e-9)
  }
}
