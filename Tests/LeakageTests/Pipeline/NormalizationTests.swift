import Autodiff
import Foundation
import Leakage
import Testing

@Suite("Input normalisation and the two input spaces")
struct NormalizationTests {
  static let catalogue = EmbeddedSamplesTests.catalogue
  static func relative(_ a: Double?, _ b: Double?) -> Double {
    guard let a, let b else { return .infinity }
    return Swift.abs(a - b) / Swift.max(Swift.abs(b), .leastNormalMagnitude)
  }

  static func scenario(_ space: InputSpace) throws -> Scenario {
    var s = Scenario()
    s.model = .builtin(.mlp)
    s.hiddenWidth = 24
    s.sample = "digits:6"
    s.normalization = try InputNormalization(parsing: "0.3:0.25")
    s.space = space
    return s
  }

  @Test func parsingPresetsListsAndErrors() throws {
    #expect(try InputNormalization(parsing: "mnist") == InputNormalization(mean: [0.1307], std: [0.3081]))
    let c = try InputNormalization(parsing: "0.5,0.4,0.3:0.2,0.25,0.3")
    #expect(c.mean == [0.5, 0.4, 0.3] && c.std == [0.2, 0.25, 0.3] && c.channelCount == 3)
    #expect(try InputNormalization(parsing: "0.5:0.2,0.25,0.3").mean == [0.5, 0.5, 0.5])
    #expect(try InputNormalization(parsing: c.description) == c)
    for bad in ["0.5", "0.5:0", "a:b", "0.5,0.4:0.2,0.2,0.2", "0.5:-1", ":"] {
      #expect(throws: ModelError.self, "\(bad)") { try InputNormalization(parsing: bad) }
    }
  }

  @Test func modelSpaceIsTheBaseNetworkOnTheNormalisedTensor() throws {
    let s = try Self.scenario(.model)
    let victim = try s.victim(using: Self.catalogue)
    let analysis = try s.analysis(of: victim)
    let e = try s.evaluate(analysis)
    // The same numbers computed by hand: the network without its first layer, fed z.
    let base = try #require(victim.network as? NormalizedNetwork).base
    let z = try VictimBatch(network: base, weights: victim.weights, images: s.normalization!.normalize(victim.images), labels: victim.labels)
    let direct = try Analysis(z, method: .dense).evaluate(delta: e.delta, ridge: s.ridge, gaussianSigma: 1e-3)
    #expect(Self.relative(e.jDeltaNorm, direct.jDeltaNorm) < 1e-12)
    #expect(Self.relative(e.lambdaMax, direct.lambdaMax) < 1e-10)
    #expect(Self.relative(e.i2fNorm, direct.i2fNorm) < 1e-8)
    #expect(Self.relative(e.expectedRMSE, direct.expectedRMSE) < 1e-8)
  }

  @Test func pixelSpaceRelatesToModelSpaceByTheStd() throws {
    let (pixel, model) = (try Self.scenario(.pixel), try Self.scenario(.model))
    let victim = try pixel.victim(using: Self.catalogue)
    let p = try pixel.evaluate(try pixel.analysis(of: victim))
    let m = try model.evaluate(try model.analysis(of: victim))
    let std = 0.25
    #expect(p.delta == m.delta)  // δ lives in θ, the same in both spaces
    #expect(Self.relative(p.jDeltaNorm, m.jDeltaNorm / std) < 1e-12)
    #expect(Self.relative(p.lambdaMax, m.lambdaMax.map { $0 / (std * std) }) < 1e-10)
    #expect(Self.relative(p.i2fNorm, m.i2fNorm.map { $0 * std }) < 1e-7)
    // Both predict the same reconstruction in pixels.
    let (a, b) = (try #require(p.predictedImages), try #require(m.predictedImages))
    #expect((a - b).maxAbs() < 1e-7)
    // And the RMSE of a reconstruction is measured in each space.
    let shifted = victim.images + 0.01
    #expect(Self.relative(m.rmse(ofReconstruction: shifted), p.rmse(ofReconstruction: shifted) / std) < 1e-12)
  }

  @Test func withoutNormalisationBothSpacesAgree() throws {
    var s = try Self.scenario(.model)
    s.normalization = nil
    let victim = try s.victim(using: Self.catalogue)
    let m = try s.evaluate(try s.analysis(of: victim))
    s.space = .pixel
    let p = try s.evaluate(try s.analysis(of: victim))
    #expect(m.i2fNorm == p.i2fNorm && m.lambdaMax == p.lambdaMax)
  }

  @Test func theAttackIsBoxedInPixelsAndScoredInTheScenariosSpace() throws {
    var run = try ScenarioRun(try Self.scenario(.model), catalogue: Self.catalogue)
    var config = AttackConfiguration.ig
    config.iterations = 20
    try run.runAttack(config)
    let a = try #require(run.attack)
    #expect(a.reconstruction.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(Self.relative(a.rmse, a.metrics.rmse / 0.25) < 1e-12)
  }

  @Test func aSampleOfNormalisedTensorsNeedsToSaySo() throws {
    let normalization = try InputNormalization(parsing: "0.3:0.25")
    let pixels = try Self.catalogue.sample("digits:0-1")
    var file = SafeTensors()
    file.set("x", Tensor<Float>(normalization.normalize(pixels.images)))
    try file.set("y", integers: pixels.labels, shape: [2])
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-normalised-\(UUID().uuidString).safetensors").path
    try file.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect { try Self.catalogue.sample(path) } throws: { "\($0)".contains("--normalized-sample") }
    let back = try Self.catalogue.sample(path, normalizedBy: normalization)
    #expect((back.images - pixels.images).maxAbs() < 1e-6)
    // The wrong normalisation maps outside the box and says so.
    #expect(throws: DataError.self) { try Self.catalogue.sample(path, normalizedBy: try InputNormalization(parsing: "0.9:0.1")) }
  }

  @Test func weightsFilesRememberTheirNormalisation() throws {
    let s = try Self.scenario(.pixel)
    let victim = try s.victim(using: Self.catalogue)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-norm-\(UUID().uuidString).safetensors").path
    try victim.weights.save(to: path, spec: victim.network.spec)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reopened = Scenario()
    reopened.weights = .file(path)
    reopened.sample = "digits:6"
    #expect(try reopened.victim(using: Self.catalogue).normalization == s.normalization)
    reopened.normalization = try InputNormalization(parsing: "mnist")
    #expect(throws: ModelError.self) { try reopened.victim(using: Self.catalogue) }
  }
}
