import Autodiff
import Foundation
import Leakage
import Testing

/// Every architecture against PyTorch (float64) on deterministic weights: logits, loss, the shared
/// gradient and both Jacobian products (see Scripts/make_reference_fixtures.py).
@Suite("Models against PyTorch reference values")
struct ReferenceModelTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let spec: ModelSpec
    let inputShape: [Int]
    let labels: [Int]
    var testDescription: String { name }
  }

  static let cases = [
    Case(name: "convnet5", spec: ModelSpec(.convnet5, inputShape: [1, 16, 16], classCount: 10), inputShape: [1, 1, 16, 16], labels: [3]),
    Case(name: "mlp", spec: ModelSpec(.mlp, inputShape: [1, 8, 8], classCount: 10, hiddenWidth: 16), inputShape: [2, 1, 8, 8], labels: [4, 9]),
    Case(name: "lenet5", spec: ModelSpec(.lenet5, inputShape: [1, 16, 16], classCount: 10), inputShape: [1, 1, 16, 16], labels: [5]),
    Case(name: "resnet8", spec: ModelSpec(.resnet8, inputShape: [3, 16, 16], classCount: 10), inputShape: [2, 3, 16, 16], labels: [1, 7]),
  ]

  static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(b))
  }

  @Test(arguments: cases) func matchesPyTorch(_ c: Case) throws {
    let file = try SafeTensors(contentsOf: ReferenceFormula.fixture("reference_models.safetensors"))
    let keys = try #require(file.metadata["\(c.name).keys"]).split(separator: ",").map(String.init)
    let network = try c.spec.makeNetwork()
    let specs = Dictionary(uniqueKeysWithValues: (network.parameters + network.buffers).map { ($0.name, $0) })
    #expect(Set(keys) == Set(specs.keys), "state_dict names differ from PyTorch's")
    var tensors: [String: Tensor<Double>] = [:]
    for (p, key) in keys.enumerated() {
      guard let s = specs[key], s.role != .batchCount else { continue }
      switch s.role {
      case .runningVariance: tensors[key] = ReferenceFormula.tensor(seed: p + 1, shape: s.shape, shift: 1)
      case .runningMean: tensors[key] = ReferenceFormula.tensor(seed: p + 1, shape: s.shape, scale: 0.4)
      default: tensors[key] = ReferenceFormula.tensor(seed: p + 1, shape: s.shape)
      }
    }
    let weights = try ModelWeights(tensors: tensors, provenance: "formula").validated(for: network)
    let x = ReferenceFormula.tensor(seed: 1000, shape: c.inputShape, shift: 0.5)
    let victim = try VictimBatch(network: network, weights: weights, images: x, labels: c.labels)

    let (_, binding) = weights.bind(network, as: Double.self, requiresGrad: false)
    let logits = network.logits(Variable(x), binding).value
    let expectedLogits = try file.tensor("\(c.name).logits", as: Double.self)
    #expect(logits.shape == expectedLogits.shape)
    #expect((logits - expectedLogits).maxAbs() <= 1e-9 * Swift.max(1, expectedLogits.maxAbs()))

    let jacobian = MixedJacobian<Double>(victim)
    #expect(Self.close(jacobian.loss, try file.tensor("\(c.name).loss", as: Double.self).scalars[0]))

    let layout = ParameterLayout(network)
    let delta = layout.join(layout.shapes.enumerated().map { ReferenceFormula.tensor(seed: 2000 + $0.offset, shape: $0.element) })
    let jDelta = jacobian.apply(delta)
    let expectedJDelta = try file.tensor("\(c.name).jdelta", as: Double.self)
    #expect((jDelta - expectedJDelta.reshaped([jDelta.count])).maxAbs() <= 1e-8 * Swift.max(1, expectedJDelta.maxAbs()))

    let v = ReferenceFormula.tensor(seed: 3000, shape: [x.count])
    let g0 = layout.split(jacobian.sharedGradient), jtv = layout.split(jacobian.applyTransposed(v))
    let summary = try file.tensor("\(c.name).summary", as: Double.self)
    for p in 0..<layout.names.count {
      let r = ReferenceFormula.tensor(seed: 4000 + p, shape: layout.shapes[p])
      let ours = [g0[p].sum(), g0[p].norm(), g0[p].dot(r), jtv[p].sum(), jtv[p].norm(), jtv[p].dot(r)]
      let theirs = Array(summary.scalars[(p * 6)..<(p * 6 + 6)])
      for (k, (a, b)) in zip(ours, theirs).enumerated() {
        #expect(Self.close(a, b, 1e-8), "\(c.name) \(layout.names[p]) statistic \(k): \(a) vs PyTorch \(b)")
      }
    }
  }
}
