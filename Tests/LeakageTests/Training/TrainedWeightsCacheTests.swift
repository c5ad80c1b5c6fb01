import Autodiff
import Foundation
import Leakage
import Testing

@Suite("Trained weights cache")
struct TrainedWeightsCacheTests {
  func temporaryCache(epochs: Int = 1) -> TrainedWeightsCache {
    var config = TrainingConfiguration()
    config.epochs = epochs
    return TrainedWeightsCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("i2f-cache-\(UUID().uuidString)"),
                               configuration: config)
  }

  @Test func trainsOnceThenReusesTheFile() throws {
    let cache = temporaryCache()
    defer { try? FileManager.default.removeItem(at: cache.directory) }
    let digits = try EmbeddedSamples.catalogue.dataset(named: "digits")
    let network = try ModelSpec(.mlp, inputShape: digits.imageShape, classCount: 10, hiddenWidth: 16).makeNetwork()
    var batches = 0
    let first = try cache.weights(for: network, dataset: digits, seed: 4) { _ in batches += 1 }
    #expect(batches > 0)
    let file = cache.file(for: network.spec, dataset: "digits", seed: 4)
    #expect(file.lastPathComponent == "mlp-w16-1x8x8-c10-digits-seed4-adam-lr0.01-b32-e1.safetensors")
    #expect(FileManager.default.fileExists(atPath: file.path))
    // Trained from the uniform initialisation: far from it now.
    let start = Initializer.uniform.weights(for: network, seed: 4)
    #expect((first.flattenedParameters(of: network) - start.flattenedParameters(of: network)).maxAbs() > 1e-3)
    // The second use reads the file: no training, the same weights.
    let second = try cache.weights(for: network, dataset: digits, seed: 4) { _ in Issue.record("trained again") }
    #expect(second == first)
    // Another seed is another file.
    #expect(cache.file(for: network.spec, dataset: "digits", seed: 5) != file)
  }

  @Test func theUserCacheFollowsXDG() {
    #expect(TrainedWeightsCache.user(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]).directory.path == "/x/cache/i2f/trained")
    #expect(TrainedWeightsCache.user(environment: ["HOME": "/home/u"]).directory.path == "/home/u/.cache/i2f/trained")
  }

  @Test func aScenarioWithTrainedWeightsTrainsOnItsSamplesDataSet() throws {
    let cache = temporaryCache()
    defer { try? FileManager.default.removeItem(at: cache.directory) }
    var s = Scenario()
    s.model = .builtin(.mlp)
    s.hiddenWidth = 16
    s.sample = "digits:7"
    s.weights = try WeightSource(parsing: "trained", seed: 2)
    #expect(s.weights == .trained(seed: 2))
    var progress: [TrainingProgress] = []
    let victim = try s.victim(using: EmbeddedSamples.catalogue, trainedWeights: cache) { progress.append($0) }
    #expect(victim.weights.provenance.hasPrefix("trained on digits"))
    #expect(progress.first?.epoch == 1 && progress.last?.fraction == 1)
    // A sample from a file has no data set to train on.
    let file = cache.directory.appendingPathComponent("batch.safetensors")
    try EmbeddedSamples.catalogue.sample("digits:7").safeTensors().write(to: file)
    s.sample = file.path
    #expect(throws: ModelError.self) { try s.victim(using: EmbeddedSamples.catalogue, trainedWeights: cache) }
  }
}
