import Autodiff

/// What the client holds in one federated round: a model with its weights, and the private images
/// and labels whose gradient it shares.
public struct VictimBatch: Sendable {
  public let network: any Network
  public let weights: ModelWeights
  /// `[B, C, H, W]`, pixels in [0, 1].
  public let images: Tensor<Double>
  public let labels: [Int]

  /// A batch whose images match the network's input shape and whose labels are valid classes.
  public init(network: any Network, weights: ModelWeights, images: Tensor<Double>, labels: [Int]) throws(AnalysisError) {
    guard images.rank == 4, Array(images.shape.dropFirst()) == network.spec.inputShape else {
      throw .shapeMismatch("images \(images.shape) do not fit \(network.spec)")
    }
    guard labels.count == images.shape[0] else {
      throw .shapeMismatch("\(images.shape[0]) images but \(labels.count) labels")
    }
    if let bad = labels.first(where: { $0 < 0 || $0 >= network.spec.classCount }) {
      throw .shapeMismatch("label \(bad) outside 0..<\(network.spec.classCount)")
    }
    self.network = network
    self.weights = weights
    self.images = images
    self.labels = labels
  }

  /// Number of images.
  public var batchSize: Int { images.shape[0] }
  /// Input dimension dx = B·C·H·W.
  public var inputCount: Int { images.count }
  /// Parameter dimension dθ.
  public var parameterCount: Int { network.parameterCount }

  /// The training loss the client differentiates: mean cross-entropy over the batch.
  public static func loss<S>(_ network: any Network, _ x: Variable<S>, _ binding: ParameterBinding<S>, labels: [Int]) -> Variable<S> {
    network.logits(x, binding).crossEntropy(labels: labels)
  }
}

/// Problems an analysis request can have.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
  case shapeMismatch(String)
  case invalidPerturbation(String)
  case solverFailed(String)

  public var description: String {
    switch self {
    case .shapeMismatch(let s): s
    case .invalidPerturbation(let s): s
    case .solverFailed(let s): s
    }
  }
}

/// The input space in which J, the spectrum, I2F, the bounds and RMSE are reported (see
/// ``InputNormalization``). The same unless the model normalises its inputs.
public enum InputSpace: String, Sendable, Codable, CaseIterable, Hashable {
  /// The pixels x in [0, 1], differentiating through the normalisation.
  case pixel
  /// The normalised tensor z = (x − mean)/std the network sees: what the official I2F code and
  /// most PyTorch scripts compute.
  case model
}

extension VictimBatch {
  /// The normalisation in front of the network, if any.
  public var normalization: InputNormalization? { (network as? NormalizedNetwork)?.normalization }

  /// The same batch seen in `space`: in model space, the base network fed the normalised images.
  public func inSpace(_ space: InputSpace) -> VictimBatch {
    guard space == .model, let normalized = network as? NormalizedNetwork else { return self }
    // Shapes and labels were checked when self was built.
    return try! VictimBatch(network: normalized.base, weights: weights, images: normalized.normalization.normalize(images), labels: labels)
  }
}
