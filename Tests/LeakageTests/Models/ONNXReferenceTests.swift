import Autodiff
import Foundation
import Leakage
import Testing

/// Models exported by PyTorch to ONNX, run by i2f on their embedded weights, against PyTorch's
/// float64 logits, loss, shared gradient and Jacobian products (Scripts/make_onnx_fixtures.py).
@Suite("ONNX models against PyTorch reference values")
struct ONNXReferenceTests {
  struct Case: Sendable, CustomTestStringConvertible {
    /// The fixture's name in onnx_reference.safetensors.
    let reference: String
    /// The model file under Fixtures/onnx.
    let file: String
    /// Whether loading it warns that the exporter folded parameters.
    var warns = false
    var testDescription: String { file }
  }

  static let cases = [
    Case(reference: "cnn", file: "cnn.onnx"),
    Case(reference: "cnn_folded", file: "cnn_folded.onnx", warns: true),
    Case(reference: "mlp", file: "mlp.onnx"),
    Case(reference: "grouped", file: "grouped.onnx"),
    Case(reference: "grouped", file: "grouped_dynamo.onnx"),
  ]

  static func model(_ file: String) -> String { ReferenceFormula.fixture("onnx/\(file)").path }

  static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-8) -> Bool {
    Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(b))
  }

  @Test(arguments: cases) func matchesPyTorch(_ c: Case) throws {
    let file = try SafeTensors(contentsOf: ReferenceFormula.fixture("onnx_reference.safetensors"))
    func list(_ key: String) throws -> [String] { try #require(file.metadata["\(c.reference).\(key)"]).split(separator: ",").map(String.init) }
    let names = try list("names"), labels = try list("labels").compactMap { Int($0) }
    let inputShape = try list("input_shape").compactMap { Int($0) }
    let network = try ONNXNetwork(path: Self.model(c.file), inputShape: Array(inputShape.dropFirst()))
    #expect(network.parameters.map(\.name) == names, "θ order: parameters by first use, the classifier's bias last")
    #expect(network.warnings.isEmpty != c.warns, "\(network.warnings)")
    #expect(network.classifierBias == "fc.bias" || network.classifierBias == "fc2.bias")

    let weights = try #require(network.embeddedWeights).validated(for: network)
    let x = ReferenceFormula.tensor(seed: 1000, shape: inputShape, shift: 0.5)
    let (_, binding) = weights.bind(network, as: Double.self, requiresGrad: false)
    let logits = network.logits(Variable(x), binding).value
    let expectedLogits = try file.tensor("\(c.reference).logits", as: Double.self)
    #expect(logits.shape == expectedLogits.shape)
    #expect((logits - expectedLogits).maxAbs() <= 1e-9 * Swift.max(1, expectedLogits.maxAbs()))

    let victim = try VictimBatch(network: network, weights: weights, images: x, labels: labels)
    let jacobian = MixedJacobian<Double>(victim)
    #expect(Self.close(jacobian.loss, try file.tensor("\(c.reference).loss", as: Double.self).scalars[0]))

    let layout = ParameterLayout(network)
    let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    try #require(Set(layout.names) == Set(names), "parameters differ from PyTorch's")
    let delta = layout.join(zip(layout.names, layout.shapes).map { ReferenceFormula.tensor(seed: 2000 + index[$0]!, shape: $1) })
    let jDelta = jacobian.apply(delta)
    let expectedJDelta = try file.tensor("\(c.reference).jdelta", as: Double.self)
    #expect((jDelta - expectedJDelta.reshaped([jDelta.count])).maxAbs() <= 1e-8 * Swift.max(1, expectedJDelta.maxAbs()))

    let v = ReferenceFormula.tensor(seed: 3000, shape: [x.count])
    let g0 = layout.split(jacobian.sharedGradient), jtv = layout.split(jacobian.applyTransposed(v))
    let summary = try file.tensor("\(c.reference).summary", as: Double.self)
    for (p, name) in layout.names.enumerated() {
      let i = index[name]!
      let r = ReferenceFormula.tensor(seed: 4000 + i, shape: layout.shapes[p])
      let ours = [g0[p].sum(), g0[p].norm(), g0[p].dot(r), jtv[p].sum(), jtv[p].norm(), jtv[p].dot(r)]
      let theirs = Array(summary.scalars[(i * 6)..<(i * 6 + 6)])
      for (k, (a, b)) in zip(ours, theirs).enumerated() {
        #expect(Self.close(a, b), "\(c.file) \(name) statistic \(k): \(a) vs PyTorch \(b)")
      }
    }
  }

  @Test func parametersBuffersAndConstantsAreSortedOut() throws {
    let network = try ONNXNetwork(path: Self.model("cnn.onnx"), inputShape: [3, 8, 8])
    // bn1.running_var is stored once with bn1.weight and read through an Identity: it is still a
    // buffer of its own, and bn1.weight a parameter.
    #expect(network.buffers.map(\.name) == ["bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var"])
    #expect(network.buffers.map(\.role) == [.runningMean, .runningVariance, .runningMean, .runningVariance])
    let conv1 = try #require(network.parameters.first { $0.name == "conv1.weight" })
    #expect(conv1.role == .weight && conv1.fanIn == 3 * 9 && conv1.fanOut == 4 * 9)
    let fc = try #require(network.parameters.first { $0.name == "fc.weight" })
    #expect(fc.shape == [5, 64] && fc.fanIn == 64 && fc.fanOut == 5)
    #expect(network.parameters.first { $0.name == "bn1.weight" }?.role == .normWeight)
    #expect(network.spec.classCount == 5 && network.spec.inputShape == [3, 8, 8])
    // The dynamo export's scalar threshold (softplus) is a constant, not a parameter.
    let dynamo = try ONNXNetwork(path: Self.model("grouped_dynamo.onnx"), inputShape: [2, 9, 9])
    #expect(dynamo.parameters.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "fc.weight", "fc.bias"])
    #expect(dynamo.buffers.isEmpty)
  }

  @Test func aTrailingSoftmaxIsDroppedAndSaidSo() throws {
    let network = try ONNXNetwork(path: Self.model("mlp.onnx"), inputShape: [1, 6, 6])
    #expect(network.model.droppedActivation == "LogSoftmax")
    #expect(network.summary.contains("LogSoftmax dropped"))
  }

  @Test func theWarningNamesTheFoldedParameters() throws {
    let network = try ONNXNetwork(path: Self.model("cnn_folded.onnx"), inputShape: [3, 8, 8])
    #expect(network.warnings.count == 1)
    let line = try #require(network.warnings.first)
    #expect(line.contains("cnn_folded.onnx") && line.contains("onnx::Conv_") && line.contains("do_constant_folding=False"))
    #expect(!line.contains("\n"))
  }

  /// The same convnet5 as an ONNX file and built in, on the same weights: the same bound numbers.
  @Test func anExportedConvNet5EqualsTheBuiltIn() throws {
    var onnx = Scenario()
    onnx.model = .onnx(Self.model("convnet5.onnx"))
    onnx.weights = .embedded
    onnx.sample = "digits:5"
    onnx.method = .dense
    let fromONNX = try ScenarioRun(onnx, catalogue: EmbeddedSamples.catalogue)

    let weightsFile = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-convnet5-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: weightsFile) }
    try fromONNX.victim.weights.save(to: weightsFile, spec: ModelSpec(.convnet5, inputShape: [1, 8, 8], classCount: 10))
    var builtin = onnx
    builtin.model = .builtin(.convnet5)
    builtin.weights = .file(weightsFile)
    let fromBuiltin = try ScenarioRun(builtin, catalogue: EmbeddedSamples.catalogue)

    let skipped: Set<String> = ["model", "model_summary", "weights", "analysis_seconds", "seconds"]
    let a = Dictionary(fromONNX.fields().map { ($0.0, $0.1) }, uniquingKeysWith: { x, _ in x })
    var compared = 0
    for (key, value) in fromBuiltin.fields() where !skipped.contains(key) {
      switch (value, a[key]) {
      case (.number(let y), .number(let x)?):
        #expect(Self.close(x, y, 1e-10), "\(key): ONNX \(x), built-in \(y)")
        compared += 1
      case (let y, let x?):
        #expect(x == y, "\(key): ONNX \(x), built-in \(y)")
      case (_, nil):
        Issue.record("\(key) missing from the ONNX run")
      }
    }
    #expect(compared >= 15)
  }
}

/// Where an ONNX model's weights come from: its file, an initialisation, or a safetensors file
/// that replaces some of them by name.
@Suite("ONNX weights")
struct ONNXWeightsTests {
  static let path = ONNXReferenceTests.model("cnn.onnx")

  @Test func aWeightsFileReplacesOnlyTheTensorsItNames() throws {
    let network = try ONNXNetwork(path: Self.path, inputShape: [3, 8, 8])
    let embedded = try #require(network.embeddedWeights)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-onnx-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    var override = SafeTensors(fileName: file)
    override.set("fc.bias", Tensor<Float>(repeating: 0.25, shape: [5]))
    override.set("bn2.running_var", Tensor<Float>(repeating: 2, shape: [4]))
    try override.set("bn2.num_batches_tracked", integers: [3], shape: [])  // PyTorch's counter: skipped
    try override.write(to: URL(fileURLWithPath: file))
    let weights = try WeightSource.file(file).weights(for: network)
    #expect(weights.tensors["fc.bias"] == Tensor(repeating: 0.25, shape: [5]))
    #expect(weights.tensors["bn2.running_var"] == Tensor(repeating: 2, shape: [4]))
    for name in embedded.tensors.keys where name != "fc.bias" && name != "bn2.running_var" {
      #expect(weights.tensors[name] == embedded.tensors[name], "\(name) changed")
    }

    var unknown = SafeTensors(fileName: file)
    unknown.set("fc.scale", Tensor<Float>(repeating: 1, shape: [5]))
    try unknown.write(to: URL(fileURLWithPath: file))
    #expect(throws: ModelError.self) { try WeightSource.file(file).weights(for: network) }
    var misshapen = SafeTensors(fileName: file)
    misshapen.set("fc.bias", Tensor<Float>(repeating: 1, shape: [6]))
    try misshapen.write(to: URL(fileURLWithPath: file))
    #expect(throws: ModelError.self) { try WeightSource.file(file).weights(for: network) }
  }

  @Test func initialisationsUseTheFansOfTheGraph() throws {
    let network = try ONNXNetwork(path: Self.path, inputShape: [3, 8, 8])
    let xavier = Initializer.xavier.weights(for: network, seed: 4)
    // conv1.weight [4, 3, 3, 3]: fan in 27, fan out 36.
    let bound = (6.0 / Double(27 + 36)).squareRoot()
    let conv1 = try #require(xavier.tensors["conv1.weight"])
    #expect(conv1.maxAbs() <= bound && conv1.maxAbs() > 0.8 * bound)
    #expect(xavier.tensors["bn1.weight"] == Tensor(repeating: 1, shape: [4]))
    #expect(xavier.tensors["bn1.running_var"] == Tensor(repeating: 1, shape: [4]))
    #expect(throws: Never.self) { try xavier.validated(for: network) }
    // Built-in models have no embedded weights.
    let builtin = try ModelSpec(.convnet5, inputShape: [1, 8, 8], classCount: 10).makeNetwork()
    #expect(throws: ModelError.self) { try WeightSource.embedded.weights(for: builtin) }
  }

  @Test func labelsAreInferredFromTheClassifierBias() throws {
    let network = try ONNXNetwork(path: ONNXReferenceTests.model("cnn_folded.onnx"), inputShape: [3, 8, 8])
    #expect(network.classifierBias == "fc.bias" && network.parameters.last?.name == "fc.bias")
    let weights = try #require(network.embeddedWeights)
    let x = ReferenceFormula.tensor(seed: 1000, shape: [1, 3, 8, 8], shift: 0.5)
    for label in 0..<5 {
      let victim = try VictimBatch(network: network, weights: weights, images: x, labels: [label])
      let g0 = MixedJacobian<Double>(victim).sharedGradient
      #expect(LabelInference.infer(from: g0, network: network, batchSize: 1) == [label])
    }
  }
}
