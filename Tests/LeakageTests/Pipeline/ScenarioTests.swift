import Autodiff
import Foundation
import Leakage
import Testing

@Suite("Scenario pipeline: victims, class counts, runs")
struct ScenarioTests {
  static let catalogue = EmbeddedSamplesTests.catalogue

  /// A convnet5 weights file for 8×8 digits with `classes` outputs, written the way PyTorch's
  /// `safetensors.torch.save_file(model.state_dict())` does: no i2f metadata.
  static func pytorchWeights(classes: Int) throws -> String {
    let network = try ModelSpec(.convnet5, inputShape: [1, 8, 8], classCount: classes).makeNetwork()
    let weights = Initializer.xavier.weights(for: network, seed: 4)
    var file = SafeTensors()
    for (name, t) in weights.tensors { file.set(name, Tensor<Float>(t)) }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-\(classes)-classes-\(UUID().uuidString).safetensors").path
    try file.write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func theWeightsFileSetsTheClassCount() throws {
    let path = try Self.pytorchWeights(classes: 12)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var s = Scenario()
    s.weights = .file(path)
    s.sample = "digits:7"
    let victim = try s.victim(using: Self.catalogue)
    #expect(victim.network.spec.classCount == 12)
    #expect(victim.labels == [7])
  }

  @Test func labelsBeyondTheWeightsClassesAreAnErrorNamingBoth() throws {
    let path = try Self.pytorchWeights(classes: 5)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var s = Scenario()
    s.weights = .file(path)
    s.sample = "digits:7"
    #expect(throws: ModelError.labelOutOfRange(label: 7, classCount: 5, source: "\(path) (sample digits:7)")) {
      try s.victim(using: Self.catalogue)
    }
    let message = "\(ModelError.labelOutOfRange(label: 7, classCount: 5, source: path))"
    #expect(message.contains("7") && message.contains("5 classes") && message.contains(path))
  }

  @Test func classesGivenOnTheCommandLineMustAgreeWithTheWeights() throws {
    let path = try Self.pytorchWeights(classes: 12)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var s = Scenario()
    s.weights = .file(path)
    s.sample = "digits:3"
    s.classCount = 10
    #expect(throws: ModelError.classCountConflict(given: 10, fromWeights: 12, source: path)) { try s.victim(using: Self.catalogue) }
    s.classCount = 12
    #expect(try s.victim(using: Self.catalogue).network.spec.classCount == 12)
  }

  @Test func analysisKeyIgnoresThePerturbation() {
    var a = Scenario(), b = Scenario()
    b.perturbation = .prune(fraction: 0.3)
    b.noiseSeed = 9
    b.ridge = .absolute(1e-3)
    #expect(a.analysisKey == b.analysisKey)
    a.sample = "digits:2"
    #expect(a.analysisKey != b.analysisKey)
  }

  @Test func scenariosRoundTripThroughJSON() throws {
    var s = Scenario()
    s.model = .builtin(.mlp)
    s.perturbation = .gaussian(sigma: 0.0012345678)
    s.ridge = .relative(3e-7)
    s.method = .matrixFree
    let back = try JSONDecoder().decode(Scenario.self, from: JSONEncoder().encode(s))
    #expect(back == s)
  }

  @Test func aRunReportsTheSameKeysWithAndWithoutAnAttack() throws {
    var s = Scenario()
    s.model = .builtin(.mlp)
    s.hiddenWidth = 16
    s.sample = "digits:3"
    var run = try ScenarioRun(s, catalogue: Self.catalogue)
    let before = Dictionary(uniqueKeysWithValues: run.fields())
    for key in ["jdelta_norm", "lambda_max", "lambda_min", "rank", "i2f_norm", "i2f_lb", "i2f_ub", "expected_rmse", "predicted_rmse", "seconds"] {
      #expect(before[key] != nil, "missing \(key)")
    }
    #expect(before["rmse"] == nil)
    var config = AttackConfiguration.l2adam
    config.iterations = 5
    try run.runAttack(config)
    let after = Dictionary(uniqueKeysWithValues: run.fields())
    #expect(after["i2f_norm"] == before["i2f_norm"])
    #expect(after["status"] == .string("max-iterations") && after["iterations_done"] == .integer(5))
    for key in ["rmse", "psnr", "ssim", "label_correct", "objective", "attack_seconds"] { #expect(after[key] != nil, "missing \(key)") }
  }

  /// Runs that differ only in their perturbation share one analysis, and report exactly what
  /// runs computing their own report; concurrent runs for one analysis compute it once.
  @Test func runsShareAnalysesAcrossPerturbations() throws {
    var s = Scenario()
    s.model = .builtin(.convnet5)
    s.sample = "digits:5"
    s.method = .dense
    let cache = ScenarioAnalysisCache(capacity: 2)
    let timing: Set<String> = ["analysis_seconds", "seconds"]
    for (perturbation, seed) in [(Perturbation.gaussian(sigma: 1e-3), UInt64(1)), (.gaussian(sigma: 1e-2), 2), (.gaussian(sigma: 1e-2), 3)] {
      s.perturbation = perturbation
      s.noiseSeed = seed
      let shared = try ScenarioRun(s, catalogue: Self.catalogue, analyses: cache).fields().filter { !timing.contains($0.0) }
      let alone = try ScenarioRun(s, catalogue: Self.catalogue).fields().filter { !timing.contains($0.0) }
      #expect(shared.map(\.0) == alone.map(\.0))
      #expect(zip(shared, alone).allSatisfy { $0.1 == $1.1 }, "\(perturbation) seed \(seed)")
    }
    #expect(cache.computed == 1)
    // Another sample is another analysis; non-Gaussian noise too (no trace estimate needed).
    s.sample = "digits:6"
    _ = try ScenarioRun(s, catalogue: Self.catalogue, analyses: cache)
    s.perturbation = .laplace(scale: 1e-3)
    _ = try ScenarioRun(s, catalogue: Self.catalogue, analyses: cache)
    #expect(cache.computed == 3)
    // Four runs at once on a fresh key: one computes, three wait for it.
    s.sample = "digits:7"
    let key = s
    DispatchQueue.concurrentPerform(iterations: 4) { i in
      var point = key
      point.noiseSeed = UInt64(i)
      _ = try? ScenarioRun(point, catalogue: Self.catalogue, analyses: cache)
    }
    #expect(cache.computed == 4)
  }
}
