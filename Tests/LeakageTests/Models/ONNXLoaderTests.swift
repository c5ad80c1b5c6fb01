import Autodiff
import Foundation
import Leakage
import ONNXProto
import SwiftProtobuf
import Testing

/// The ONNX reader on broken and hostile files: every problem is one line naming the file (and
/// the node), never a crash.
@Suite("ONNX loader errors and hostile files")
struct ONNXLoaderTests {
  static let cnnPath = ReferenceFormula.fixture("onnx/cnn.onnx").path

  static func cnn() throws -> Onnx_ModelProto {
    try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: cnnPath)))
  }

  /// The error of parsing `model` and building its network for 3×8×8 images, if any.
  static func error(_ model: Onnx_ModelProto) throws -> ONNXError? {
    error(try model.serializedData())
  }

  static func error(_ bytes: Data) -> ONNXError? {
    do {
      let model = try ONNXModel(bytes: bytes, fileName: "test.onnx")
      _ = try ONNXNetwork(model: model, path: "test.onnx", inputShape: [3, 8, 8])
      return nil
    } catch {
      return error
    }
  }

  static func expectOneLine(_ e: ONNXError?, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let e else {
      Issue.record("no error", sourceLocation: sourceLocation)
      return
    }
    let text = e.description
    #expect(text.hasPrefix("test.onnx: ") && !text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
    for w in words { #expect(text.contains(w), "\(text) should mention \(w)", sourceLocation: sourceLocation) }
  }

  @Test func theFixtureItselfLoads() throws {
    #expect(try Self.error(try Self.cnn()) == nil)
  }

  @Test func truncatedAndEmptyFilesAreMalformed() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.cnnPath))
    Self.expectOneLine(Self.error(bytes.prefix(bytes.count / 2)), mentioning: ["not a valid ONNX model"])
    Self.expectOneLine(Self.error(Data()), mentioning: ["no graph"])
    Self.expectOneLine(Self.error(Data("not a model at all, just text\n".utf8)), mentioning: ["not a valid ONNX model"])
  }

  @Test func everyPrefixAndManyMutationsFailCleanly() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.cnnPath)))
    for n in stride(from: 0, to: bytes.count, by: 37) {
      if let e = Self.error(Data(bytes.prefix(n))) { #expect(e.description.hasPrefix("test.onnx: ")) }
    }
    var rng = SeededRandom(seed: 7)
    for _ in 0..<300 {
      var mutated = bytes
      for _ in 0..<Int(rng.uniform(1, 4)) {
        let i = Int(rng.uniform(0, Double(bytes.count)))
        mutated[i] = UInt8(Int(rng.uniform(0, 256)))
      }
      if let e = Self.error(Data(mutated)) { #expect(e.description.hasPrefix("test.onnx: ")) }
    }
  }

  @Test func anUnsupportedOpNamesTheOpAndTheNode() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.node.firstIndex { $0.opType == "Relu" })
    model.graph.node[i].opType = "Gelu"
    Self.expectOneLine(try Self.error(model), mentioning: ["unsupported op Gelu", model.graph.node[i].name])
  }

  @Test func anUnsupportedAttributeNamesItself() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.node.firstIndex { $0.opType == "AveragePool" })
    var attribute = Onnx_AttributeProto()
    attribute.name = "frobnicate"
    attribute.type = .int
    attribute.i = 1
    model.graph.node[i].attribute.append(attribute)
    Self.expectOneLine(try Self.error(model), mentioning: ["AveragePool", "unsupported attribute frobnicate"])
  }

  @Test func aMissingInputIsNamed() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.node.firstIndex { $0.opType == "Gemm" })
    model.graph.node[i].input[1] = "nowhere"
    Self.expectOneLine(try Self.error(model), mentioning: ["Gemm", "'nowhere'"])
  }

  @Test func anInitializerOfTheWrongSizeIsNamed() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.initializer.firstIndex { $0.name == "fc.weight" })
    model.graph.initializer[i].rawData = model.graph.initializer[i].rawData.prefix(12)
    Self.expectOneLine(try Self.error(model), mentioning: ["fc.weight", "12 bytes"])
  }

  @Test func hugeDeclaredTensorsAreRefusedBeforeAllocation() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.initializer.firstIndex { $0.name == "fc.weight" })
    model.graph.initializer[i].dims = [1 << 31, 1 << 31]
    Self.expectOneLine(try Self.error(model), mentioning: ["too large", "fc.weight"])
  }

  @Test func shapesThatDoNotFitAreInvalidNodes() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.initializer.firstIndex { $0.name == "fc.weight" })
    // fc.weight [5, 64] as [5, 32]: the Gemm's inner dimensions no longer agree.
    model.graph.initializer[i].dims = [5, 32]
    model.graph.initializer[i].rawData = model.graph.initializer[i].rawData.prefix(5 * 32 * 4)
    Self.expectOneLine(try Self.error(model), mentioning: ["Gemm", "inner dimensions"])
  }

  @Test func aCycleIsMalformed() throws {
    var model = try Self.cnn()
    let relu = try #require(model.graph.node.firstIndex { $0.opType == "Relu" })
    let conv = try #require(model.graph.node.firstIndex { $0.opType == "Conv" })
    model.graph.node[conv].input[0] = model.graph.node[relu].output[0]
    Self.expectOneLine(try Self.error(model), mentioning: ["cycle"])
  }

  @Test func aFixedBatchOtherThanOneIsRefused() throws {
    var model = try Self.cnn()
    var dimension = Onnx_TensorShapeProto.Dimension()
    dimension.dimValue = 4
    model.graph.input[0].type.tensorType.shape.dim[0] = dimension
    Self.expectOneLine(try Self.error(model), mentioning: ["batch dimension is fixed at 4"])
  }

  @Test func tooManyNodesAreRefused() throws {
    var model = try Self.cnn()
    var identity = Onnx_NodeProto()
    identity.opType = "Identity"
    model.graph.node += (0..<10_001).map { k in
      var n = identity
      n.input = ["x"]
      n.output = ["copy\(k)"]
      return n
    }
    Self.expectOneLine(try Self.error(model), mentioning: ["too large", "nodes"])
  }

  @Test func externalDataMustBeThere() throws {
    let path = ReferenceFormula.fixture("onnx/grouped_dynamo.onnx").path
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(throws: ONNXError.self) { try ONNXModel(bytes: bytes, fileName: "test.onnx") }
    do {
      _ = try ONNXModel(bytes: bytes, fileName: "test.onnx")
    } catch {
      Self.expectOneLine(error, mentioning: ["external file", "grouped_dynamo.onnx.data"])
    }
    // From the file, the data file beside it is found.
    #expect(try ONNXModel.load(path: path).parameters.count == 5)
    #expect(throws: ONNXError.self) { try ONNXModel.load(path: "/nonexistent/model.onnx") }
  }

  @Test func modelErrorsReachTheUserAsOneLine() throws {
    var s = Scenario()
    s.model = .onnx(ReferenceFormula.fixture("onnx/cnn.onnx").path)
    s.weights = .embedded
    s.sample = "digits:0"  // 1×8×8, the model takes 3×8×8
    do {
      _ = try s.victim(using: EmbeddedSamples.catalogue)
      Issue.record("a 1×8×8 sample ran through a 3×8×8 model")
    } catch {
      #expect("\(error)".contains("cnn.onnx") && "\(error)".contains("3×8×8"), "\(error)")
    }
  }
}

extension ONNXLoaderTests {
  @Test func aClassifierWithoutBiasLeavesLabelsToTheTruth() throws {
    var model = try Self.cnn()
    let i = try #require(model.graph.node.firstIndex { $0.opType == "Gemm" })
    model.graph.node[i].input.removeLast()
    let parsed = try ONNXModel(bytes: try model.serializedData(), fileName: "test.onnx")
    let network = try ONNXNetwork(model: parsed, path: "test.onnx", inputShape: [3, 8, 8])
    #expect(network.classifierBias == nil)
    let weights = try #require(network.embeddedWeights)
    let victim = try VictimBatch(network: network, weights: weights, images: Tensor(repeating: 0.5, shape: [1, 3, 8, 8]), labels: [2])
    let g0 = MixedJacobian<Double>(victim).sharedGradient
    #expect(LabelInference.infer(from: g0, network: network, batchSize: 1) == nil)
    let problem = AttackProblem(victim: victim, observedGradient: g0, inferLabels: true)
    #expect(problem.attackerLabels == [2] && !problem.labelsWereInferred)
  }
}
