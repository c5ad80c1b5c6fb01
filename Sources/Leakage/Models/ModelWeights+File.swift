import Autodiff
import Foundation

/// Weights as safetensors files with PyTorch `state_dict` names, so a PyTorch user can bring a
/// model with `safetensors.torch.save_file(model.state_dict(), path)`. Files i2f writes also
/// record the architecture in their metadata, so they can be reopened without naming it.
extension ModelWeights {
  /// Metadata keys i2f writes beside the tensors.
  public enum MetadataKey {
    public static let architecture = "i2f.architecture"
    public static let inputShape = "i2f.input_shape"
    public static let classCount = "i2f.classes"
    public static let hiddenWidth = "i2f.hidden_width"
    public static let stem = "i2f.stem"
    public static let provenance = "i2f.provenance"
    public static let normalization = "i2f.normalize"
  }

  /// Reads `path` and checks it against `network`.
  public static func load(_ path: String, for network: any Network) throws -> ModelWeights {
    try ModelWeights(tensors: try readTensors(path, for: network), provenance: try provenance(of: path)).validated(for: network, source: path)
  }

  /// `base` (a model's embedded weights) with the tensors of `path` in place of those of the same
  /// name; names the network does not have are an error, as are wrong shapes. PyTorch's
  /// `num_batches_tracked` counters, which ONNX files do not keep, are skipped.
  public static func load(_ path: String, over base: ModelWeights, for network: any Network) throws -> ModelWeights {
    var tensors = base.tensors
    let known = Set((network.parameters + network.buffers).map(\.name))
    for (name, t) in try readTensors(path, for: network) {
      if !known.contains(name), name.hasSuffix(".num_batches_tracked"),
         known.contains(String(name.dropLast("num_batches_tracked".count)) + "running_mean") { continue }
      tensors[name] = t
    }
    let provenance = "\(base.provenance) + \(try provenance(of: path))"
    return try ModelWeights(tensors: tensors, provenance: provenance).validated(for: network, source: path)
  }

  private static func provenance(of path: String) throws -> String {
    try SafeTensors(contentsOf: URL(fileURLWithPath: path)).metadata[MetadataKey.provenance] ?? (path as NSString).lastPathComponent
  }

  /// Every tensor of `path` in Float64, batch counters as scalars; non-finite values are an error.
  private static func readTensors(_ path: String, for network: any Network) throws -> [String: Tensor<Double>] {
    let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
    var tensors: [String: Tensor<Double>] = [:]
    let roles = Dictionary(uniqueKeysWithValues: (network.parameters + network.buffers).map { ($0.name, $0.role) })
    for name in file.names {
      if roles[name] == .batchCount {
        let counts = try file.integers(name)
        tensors[name] = Tensor(shape: [], scalars: [Double(counts.first ?? 0)])
      } else if let t = try? file.tensor(name, as: Double.self) {
        tensors[name] = t
      } else {
        // Unexpected integer tensors are reported with the other mismatches by the validation.
        tensors[name] = Tensor(zeros: [0])
      }
    }
    for (name, t) in tensors where t.scalars.contains(where: { !$0.isFinite }) {
      throw ModelError.mismatchedWeights(source: path, missing: [], unexpected: [], misshapen: ["\(name) holds non-finite values"])
    }
    return tensors
  }

  /// The model a file written by i2f was trained for, or nil for files without i2f metadata.
  public static func storedSpec(_ path: String) throws -> ModelSpec? {
    let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
    guard let arch = file.metadata[MetadataKey.architecture] else { return nil }
    guard let source = try? ModelSource(parsing: arch),
          let shape = file.metadata[MetadataKey.inputShape]?.split(separator: ",").compactMap({ Int($0) }), shape.count == 3,
          let classes = file.metadata[MetadataKey.classCount].flatMap({ Int($0) })
    else { throw ModelError.mismatchedWeights(source: path, missing: [], unexpected: [], misshapen: ["unreadable i2f model metadata"]) }
    let width = file.metadata[MetadataKey.hiddenWidth].flatMap { Int($0) } ?? 128
    let stem = try file.metadata[MetadataKey.stem].map { text throws -> ResNetStem in
      guard let stem = ResNetStem(rawValue: text) else {
        throw ModelError.mismatchedWeights(source: path, missing: [], unexpected: [], misshapen: ["unknown stem '\(text)' in the i2f metadata"])
      }
      return stem
    } ?? .cifar
    var spec = ModelSpec(source, inputShape: shape, classCount: classes, hiddenWidth: width, stem: stem)
    if let text = file.metadata[MetadataKey.normalization] { spec.normalization = try InputNormalization(parsing: text) }
    return spec
  }

  /// The number of classes the weights file at `path` was made for: the rows of `network`'s
  /// classifier (its last weight matrix, e.g. `fc.weight`) as stored in the file.
  public static func classifierRows(_ path: String, for network: any Network) throws -> Int {
    guard let classifier = network.parameters.last(where: { $0.role == .weight }) else {
      throw ModelError.mismatchedWeights(source: path, missing: [], unexpected: [], misshapen: ["the model has no classifier"])
    }
    let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
    guard let stored = file.tensors[classifier.name] else {
      throw ModelError.mismatchedWeights(source: path, missing: [classifier.name], unexpected: [], misshapen: [])
    }
    guard stored.shape.count == classifier.shape.count, let rows = stored.shape.first, rows >= 1 else {
      throw ModelError.mismatchedWeights(
        source: path, missing: [], unexpected: [],
        misshapen: ["\(classifier.name) \(stored.shape) (expected [classes] + \(Array(classifier.shape.dropFirst())))"])
    }
    return rows
  }

  /// Writes the weights (F32, as PyTorch stores them; batch counters as I64) with the model's spec
  /// in the metadata. Atomic: a failure leaves no partial file.
  public func save(to path: String, spec: ModelSpec, extraMetadata: [String: String] = [:]) throws {
    var file = SafeTensors(fileName: path)
    for name in tensors.keys.sorted() {
      guard let t = tensors[name] else { continue }
      if name.hasSuffix("num_batches_tracked") {
        try file.set(name, integers: t.scalars.map { Int($0) }, shape: t.shape)
      } else {
        file.set(name, Tensor<Float>(t))
      }
    }
    var metadata = [
      MetadataKey.architecture: spec.source.description,
      MetadataKey.inputShape: spec.inputShape.map(String.init).joined(separator: ","),
      MetadataKey.classCount: String(spec.classCount),
      MetadataKey.hiddenWidth: String(spec.hiddenWidth),
      MetadataKey.provenance: provenance,
    ]
    if spec.architecture == .resnet18 { metadata[MetadataKey.stem] = spec.stem.rawValue }
    if let normalization = spec.normalization { metadata[MetadataKey.normalization] = normalization.description }
    file.metadata = extraMetadata.merging(metadata) { a, _ in a }
    try file.write(to: URL(fileURLWithPath: path))
  }
}
