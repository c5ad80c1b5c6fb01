import Autodiff
import Foundation

/// A model from an ONNX file as a ``Network``, like the built-ins: its forward pass runs the
/// graph's nodes on differentiable ops, so J, the spectrum, attacks and the explorer use it as
/// they use any other network.
///
/// The batch dimension is handled generically: a graph with a symbolic batch runs the whole batch
/// at once (shape arithmetic such as `x.view(x.size(0), -1)` is evaluated on the actual batch); a
/// graph exported for one image (batch fixed at 1) runs image by image. Building the network runs
/// the graph once on a batch of 1 (and of 2 when the batch is symbolic) with every size checked,
/// so a graph that does not fit fails here with an ``ONNXError`` rather than later.
public struct ONNXNetwork: Network {
  public let spec: ModelSpec
  public let model: ONNXModel
  public let classifierBias: String?
  /// Runs one image at a time (the graph's batch dimension is fixed at 1).
  let imageByImage: Bool
  /// The graph takes flattened images `[batch, C·H·W]`.
  let flattensInput: Bool

  public var parameters: [ParameterSpec] { model.parameters }
  public var buffers: [ParameterSpec] { model.buffers }
  public var warnings: [String] { model.warnings }

  public var embeddedWeights: ModelWeights? {
    ModelWeights(tensors: model.initialValues, provenance: "\(spec.source.shortName) (embedded)")
  }

  public var summary: String {
    guard let dropped = model.droppedActivation else { return spec.description }
    return "\(spec.description), final \(dropped) dropped: loss is cross-entropy on the logits"
  }

  /// The network of the ONNX file at `path` for images of `inputShape` (`[C, H, W]`). Parsed and
  /// checked once per file version and shape, then cached.
  public init(path: String, inputShape: [Int]) throws(ModelError) {
    do {
      self = try ONNXNetworkCache.shared.network(path: path, inputShape: inputShape)
    } catch {
      throw .onnx(error)
    }
  }

  /// The network of `model` (read from `path`) for images of `inputShape`, after one checked run.
  public init(model: ONNXModel, path: String, inputShape: [Int]) throws(ONNXError) {
    let file = model.fileName, dims = model.inputDimensions
    let shape = { (s: [Int]) in s.map(String.init).joined(separator: "×") }
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
      throw .unsupportedGraph(file: file, problem: "images of shape \(inputShape) are not [channels, height, width]")
    }
    if dims.count == 4 {
      for (d, n) in zip(dims.dropFirst(), inputShape) where d != nil && d != n {
        let expected = dims.dropFirst().map { $0.map(String.init) ?? "?" }.joined(separator: "×")
        throw .unsupportedGraph(file: file, problem: "the model takes \(expected) images, not \(shape(inputShape))")
      }
    } else if let features = dims[1], features != inputShape.elementCount {
      throw .unsupportedGraph(file: file, problem: "the model takes \(features) features, not the \(inputShape.elementCount) of \(shape(inputShape)) images")
    }
    self.model = model
    imageByImage = dims[0] == 1
    flattensInput = dims.count == 2

    // The check run: every node on real tensors, sizes and work bounded.
    let parameters = Dictionary(uniqueKeysWithValues: model.parameters.map { p in
      (p.name, Variable(Tensor<Float>(model.initialValues[p.name] ?? Tensor(zeros: p.shape))))
    })
    let buffers = Dictionary(uniqueKeysWithValues: model.buffers.map { b in
      (b.name, Tensor<Float>(model.initialValues[b.name] ?? Tensor(zeros: b.shape)))
    })
    let binding = ParameterBinding(parameters: parameters, buffers: buffers)
    var classes: Int?
    for batch in imageByImage ? [1] : [1, 2] {
      let x = Variable(Tensor<Float>(repeating: 0.5, shape: [batch] + inputShape))
      var interpreter = ONNXInterpreter(model: model, binding: binding, checking: true)
      let y = try interpreter.run(flattensInput ? x.reshaped([batch, inputShape.elementCount]) : x)
      guard y.rank == 2, y.shape[0] == batch, y.shape[1] >= 2 else {
        throw .unsupportedGraph(file: file, problem: "for \(batch) image(s) the logits have shape \(y.shape); i2f needs [batch, classes] with at least 2 classes")
      }
      classes = y.shape[1]
    }
    let classCount = classes ?? 0
    spec = ModelSpec(.onnx(path), inputShape: inputShape, classCount: classCount)
    let bias = model.classifierBias
    classifierBias = model.parameters.first { $0.name == bias }?.shape == [classCount] ? bias : nil
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    let n = x.shape[0]
    if imageByImage && n != 1 {
      return Variable.concatenated((0..<n).map { run(x.sliced(axis: 0, $0..<($0 + 1)), p) }, axis: 0)
    }
    return run(x, p)
  }

  /// One pass of the graph. The graph was checked on batches of 1 (and 2), so this cannot fail
  /// unless its shape arithmetic singles out other batch sizes.
  private func run<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    let n = x.shape[0]
    var interpreter = ONNXInterpreter(model: model, binding: p, checking: false)
    do {
      let y = try interpreter.run(flattensInput ? x.reshaped([n, x.count / Swift.max(n, 1)]) : x)
      guard y.shape == [n, spec.classCount] else {
        preconditionFailure("\(model.fileName): for \(n) images the logits have shape \(y.shape), not [\(n), \(spec.classCount)]")
      }
      return y
    } catch {
      preconditionFailure("\(error) (for a batch of \(n), which the check when loading did not cover)")
    }
  }
}

/// The last few ONNX networks built, keyed by file (path, size, modification date) and input
/// shape, so the steps of one scenario parse and check a file once.
private final class ONNXNetworkCache: @unchecked Sendable {
  static let shared = ONNXNetworkCache()

  private struct Key: Equatable {
    let path: String
    let size: Int
    let modified: Date
    let inputShape: [Int]
  }

  private let lock = NSLock()
  private var entries: [(key: Key, network: ONNXNetwork)] = []

  func network(path: String, inputShape: [Int]) throws(ONNXError) -> ONNXNetwork {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let key = Key(path: path, size: (attributes?[.size] as? Int) ?? -1,
                  modified: (attributes?[.modificationDate] as? Date) ?? .distantPast, inputShape: inputShape)
    lock.lock()
    let cached = entries.first { $0.key == key }?.network
    lock.unlock()
    if let cached { return cached }
    let network = try ONNXNetwork(model: try ONNXModel.load(path: path), path: path, inputShape: inputShape)
    lock.lock()
    entries.removeAll { $0.key == key }
    entries.append((key, network))
    if entries.count > 4 { entries.removeFirst() }
    lock.unlock()
    return network
  }
}
