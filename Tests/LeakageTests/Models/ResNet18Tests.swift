import Autodiff
import Foundation
import Leakage
import Testing

/// The built-in ResNet-18 against torchvision's (CIFAR stem, float64) on one 3×32×32 image, and
/// its parameter names against torchvision's state_dicts (Scripts/make_resnet18_fixtures.py).
@Suite("ResNet-18 against torchvision")
struct ResNet18Tests {
  static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-8) -> Bool {
    Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(b))
  }

  /// The fixture's weights: state_dict entry t from the formula with seed t + 1, weights scaled to
  /// U(−√(3/fan_in), √(3/fan_in)), batch-norm scales and variances around 1.
  static func weights(for network: any Network, keys: [String]) throws -> ModelWeights {
    let specs = Dictionary(uniqueKeysWithValues: (network.parameters + network.buffers).map { ($0.name, $0) })
    var tensors: [String: Tensor<Double>] = [:]
    for (t, key) in keys.enumerated() {
      let s = try #require(specs[key], "\(key) is not a ResNet18 tensor")
      switch s.role {
      case .batchCount: continue
      case .weight:
        let fanIn = s.shape.elementCount / s.shape[0]
        tensors[key] = ReferenceFormula.tensor(seed: t + 1, shape: s.shape, scale: 2 * (3.0 / Double(fanIn)).squareRoot())
      case .normWeight, .runningVariance: tensors[key] = ReferenceFormula.tensor(seed: t + 1, shape: s.shape, shift: 1)
      case .runningMean: tensors[key] = ReferenceFormula.tensor(seed: t + 1, shape: s.shape, scale: 0.4)
      case .bias, .normBias: tensors[key] = ReferenceFormula.tensor(seed: t + 1, shape: s.shape)
      }
    }
    return try ModelWeights(tensors: tensors, provenance: "formula").validated(for: network)
  }

  @Test func matchesTorchvision() throws {
    let file = try SafeTensors(contentsOf: ReferenceFormula.fixture("resnet18_reference.safetensors"))
    let keys = try #require(file.metadata["keys"]).split(separator: ",").map(String.init)
    let network = try ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10).makeNetwork()
    #expect(network.parameters.map(\.name) == (try #require(file.metadata["names"])).split(separator: ",").map(String.init))
    #expect(network.parameterCount == 11_173_962)
    let weights = try Self.weights(for: network, keys: keys)
    let x = ReferenceFormula.tensor(seed: 1000, shape: [1, 3, 32, 32], shift: 0.5)
    let victim = try VictimBatch(network: network, weights: weights, images: x, labels: [3])

    let (_, binding) = weights.bind(network, as: Double.self, requiresGrad: false)
    let logits = network.logits(Variable(x), binding).value
    let expectedLogits = try file.tensor("logits", as: Double.self)
    #expect((logits - expectedLogits).maxAbs() <= 1e-9 * Swift.max(1, expectedLogits.maxAbs()))

    let jacobian = MixedJacobian<Double>(victim)
    #expect(Self.close(jacobian.loss, try file.tensor("loss", as: Double.self).scalars[0]))
    let layout = ParameterLayout(network)
    let delta = layout.join(layout.shapes.enumerated().map { ReferenceFormula.tensor(seed: 2000 + $0.offset, shape: $0.element) })
    let jDelta = jacobian.apply(delta)
    let expectedJDelta = try file.tensor("jdelta", as: Double.self)
    #expect((jDelta - expectedJDelta.reshaped([jDelta.count])).maxAbs() <= 1e-8 * Swift.max(1, expectedJDelta.maxAbs()))

    let v = ReferenceFormula.tensor(seed: 3000, shape: [x.count])
    let g0 = layout.split(jacobian.sharedGradient), jtv = layout.split(jacobian.applyTransposed(v))
    let summary = try file.tensor("summary", as: Double.self)
    for p in 0..<layout.names.count {
      let r = ReferenceFormula.tensor(seed: 4000 + p, shape: layout.shapes[p])
      let ours = [g0[p].sum(), g0[p].norm(), g0[p].dot(r), jtv[p].sum(), jtv[p].norm(), jtv[p].dot(r)]
      let theirs = Array(summary.scalars[(p * 6)..<(p * 6 + 6)])
      for (k, (a, b)) in zip(ours, theirs).enumerated() {
        #expect(Self.close(a, b), "\(layout.names[p]) statistic \(k): \(a) vs PyTorch \(b)")
      }
    }
  }

  /// torchvision's state_dict names and shapes, for both stems, are exactly the network's
  /// parameters and buffers, so `save_file(model.state_dict(), …)` loads with `--weights`.
  @Test(arguments: ResNetStem.allCases) func namesAndShapesAreTorchvisions(_ stem: ResNetStem) throws {
    let data = try Data(contentsOf: ReferenceFormula.fixture("resnet18_state_dicts.json"))
    let listings = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[Any]]])
    let listing = try #require(listings[stem.rawValue]).map { ($0[0] as! String, ($0[1] as! [Int])) }
    let network = try ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10, stem: stem).makeNetwork()
    let ours = (network.parameters + network.buffers).map { ($0.name, $0.shape) }
    #expect(ours.map(\.0).sorted() == listing.map(\.0).sorted())
    let shapes = Dictionary(uniqueKeysWithValues: ours)
    for (name, shape) in listing { #expect(shapes[name] == shape, "\(name): \(shapes[name] ?? []) vs torchvision \(shape)") }
    // A state_dict of those names (counters included) is accepted as it is.
    let tensors = Dictionary(uniqueKeysWithValues: listing.map { ($0.0, Tensor<Double>(zeros: $0.1)) })
    #expect(throws: Never.self) { try ModelWeights(tensors: tensors, provenance: "torchvision").validated(for: network) }
  }

  @Test func weightsFilesRecordTheStem() throws {
    let spec = ModelSpec(.resnet18, inputShape: [3, 16, 16], classCount: 4, stem: .imagenet)
    let network = try spec.makeNetwork()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-resnet18-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Initializer.uniform.weights(for: network, seed: 1).save(to: path, spec: spec)
    #expect(try ModelWeights.storedSpec(path) == spec)
  }

  @Test func theImageNetStemHalvesTwiceBeforeTheStages() throws {
    let network = try ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10, stem: .imagenet).makeNetwork()
    #expect(network.spec.description == "resnet18(3×32×32 → 10, imagenet stem)")
    let weights = Initializer.kaiming.weights(for: network, seed: 3)
    let (_, binding) = weights.bind(network, as: Float.self, requiresGrad: false)
    var rng = SeededRandom(seed: 1)
    let y = network.logits(Variable(Tensor<Float>.uniform([2, 3, 32, 32], using: &rng)), binding)
    #expect(y.shape == [2, 10] && y.value.scalars.allSatisfy { $0.isFinite })
    #expect(network.parameters.first?.shape == [64, 3, 7, 7])
  }
}
