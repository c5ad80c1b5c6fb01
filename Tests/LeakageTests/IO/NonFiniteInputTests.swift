import Autodiff
import Foundation
import Testing

@testable import Leakage

/// NaN and infinity in files a user brings are refused when the file is read, with the file named.
@Suite("Non-finite values in input files")
struct NonFiniteInputTests {
  @Test("weights holding NaN or infinity", arguments: [Double.nan, .infinity, -.infinity])
  func weights(bad: Double) throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let network = try ModelSpec(.mlp, inputShape: [1, 4, 4], classCount: 3, hiddenWidth: 5).makeNetwork()
    var weights = Initializer.uniform.weights(for: network, seed: 1)
    let name = try #require(weights.tensors.keys.sorted().first)
    weights.tensors[name]?.scalars[2] = bad
    let path = directory.appendingPathComponent("w.safetensors").path
    try weights.save(to: path, spec: network.spec)
    let error = #expect(throws: ModelError.self) { try ModelWeights.load(path, for: network) }
    #expect(error?.description.contains(path) == true)
    #expect(error?.description.contains("\(name) holds non-finite values") == true, "\(String(describing: error))")
  }

  @Test("a perturbation file holding NaN or infinity", arguments: [Double.nan, .infinity])
  func perturbation(bad: Double) throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let victim = try TestVictims.make(.mlp, inputShape: [1, 4, 4], width: 5)
    let layout = MixedJacobian<Double>(victim).layout
    var delta = Tensor<Double>(zeros: [layout.count])
    delta.scalars[7] = bad
    let path = directory.appendingPathComponent("d.safetensors").path
    try PerturbationFile.write(delta, layout: layout, to: path)
    let error = #expect(throws: AnalysisError.self) { try PerturbationFile.read(path, layout: layout) }
    #expect(error?.description == "\(path): δ entry 7 is not finite")
  }
}
