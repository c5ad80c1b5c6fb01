import Autodiff

/// The network architectures i2f builds, by their command-line names.
public enum Architecture: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// The paper's "LeNet" from the DLG line of work: four 5×5 convolutions with 12 channels,
  /// padding 2, strides 2, 2, 1, 1, each followed by a sigmoid, then one linear layer.
  case convnet5
  /// One sigmoid hidden layer.
  case mlp
  /// LeNet-5: conv 6 and 16 channels 5×5 with ReLU and 2×2 max pooling, then linear 120, 84, classes.
  case lenet5
  /// A small residual network: 3×3 convolutions, batch normalisation (evaluation mode), ReLU,
  /// identity or 1×1 shortcuts, global average pooling.
  case resnet8
  /// ResNet-18 with torchvision's parameter names: four stages of two basic blocks (64–512
  /// channels), batch normalisation in evaluation mode; a CIFAR stem unless ``ResNetStem/imagenet``.
  case resnet18

  public var description: String { rawValue }

  /// One line for menus and `--help`.
  public var summary: String {
    switch self {
    case .convnet5: "4× conv 5×5 (12 ch, strides 2,2,1,1) + sigmoid, linear"
    case .mlp: "one sigmoid hidden layer"
    case .lenet5: "conv 6/16 5×5 + ReLU + max-pool, linear 120/84"
    case .resnet8: "residual net, 3×3 conv + batch-norm + ReLU, 16/32/64 ch"
    case .resnet18: "ResNet-18 (torchvision names), 64–512 ch, CIFAR stem (--stem imagenet)"
    }
  }
}

/// A network instantiated for one input shape and class count: a built-in architecture or an
/// ONNX file, with the options that shape it.
public struct ModelSpec: Hashable, Sendable, Codable, CustomStringConvertible {
  public var source: ModelSource
  /// `[C, H, W]` of one input image.
  public var inputShape: [Int]
  public var classCount: Int
  /// Hidden width of `mlp` (ignored by the other architectures).
  public var hiddenWidth: Int
  /// Stem of `resnet18` (ignored by the other architectures).
  public var stem: ResNetStem
  /// The input normalisation in front of the network, if any (its first layer).
  public var normalization: InputNormalization?

  public init(_ source: ModelSource, inputShape: [Int], classCount: Int, hiddenWidth: Int = 128, stem: ResNetStem = .cifar) {
    self.source = source
    self.inputShape = inputShape
    self.classCount = classCount
    self.hiddenWidth = hiddenWidth
    self.stem = stem
  }

  /// A built-in architecture for one input shape and class count.
  public init(_ architecture: Architecture, inputShape: [Int], classCount: Int, hiddenWidth: Int = 128, stem: ResNetStem = .cifar) {
    self.init(.builtin(architecture), inputShape: inputShape, classCount: classCount, hiddenWidth: hiddenWidth, stem: stem)
  }

  /// The built-in architecture, if this is one.
  public var architecture: Architecture? { source.architecture }

  public var description: String {
    let shape = inputShape.map(String.init).joined(separator: "×")
    let option = switch architecture {
    case .mlp: ", width \(hiddenWidth)"
    case .resnet18: ", \(stem) stem"
    default: ""
    }
    let normalized = normalization.map { ", normalised \($0)" } ?? ""
    return "\(source.shortName)(\(shape) → \(classCount)\(option)\(normalized))"
  }

  /// The network for this spec (behind its normalisation, if any), or an error when the input
  /// is too small for the architecture (or the ONNX file cannot be used, or was made for another
  /// input shape or class count).
  public func makeNetwork() throws(ModelError) -> any Network {
    let base = try makeBaseNetwork()
    guard let normalization else { return base }
    return try NormalizedNetwork(base: base, normalization: normalization, spec: self)
  }

  /// The network without its normalisation.
  private func makeBaseNetwork() throws(ModelError) -> any Network {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
      throw .invalidInputShape(inputShape, source.description)
    }
    guard classCount >= 2 else { throw .invalidClassCount(classCount) }
    let architecture: Architecture
    switch source {
    case .builtin(let a): architecture = a
    case .onnx(let path):
      let network = try ONNXNetwork(path: path, inputShape: inputShape)
      guard network.spec.classCount == classCount else {
        throw .classCountConflict(given: classCount, fromWeights: network.spec.classCount, source: path)
      }
      return network
    }
    switch architecture {
    case .convnet5: return ConvNet5(inputShape: inputShape, classCount: classCount)
    case .mlp:
      guard hiddenWidth > 0 else { throw .invalidHiddenWidth(hiddenWidth) }
      return MLP(inputShape: inputShape, classCount: classCount, hiddenWidth: hiddenWidth)
    case .lenet5:
      guard inputShape[1] >= 4, inputShape[2] >= 4 else { throw .invalidInputShape(inputShape, architecture.rawValue) }
      return LeNet5(inputShape: inputShape, classCount: classCount)
    case .resnet8:
      guard inputShape[1] >= 4, inputShape[2] >= 4 else { throw .invalidInputShape(inputShape, architecture.rawValue) }
      return ResNet8(inputShape: inputShape, classCount: classCount)
    case .resnet18:
      guard inputShape[1] >= 4, inputShape[2] >= 4 else { throw .invalidInputShape(inputShape, architecture.rawValue) }
      return ResNet18(inputShape: inputShape, classCount: classCount, stem: stem)
    }
  }
}

/// Problems building or loading a model.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  case invalidInputShape([Int], String)
  case invalidClassCount(Int)
  case invalidHiddenWidth(Int)
  case unknownArchitecture(String)
  /// Weights that do not match the architecture's parameters.
  case mismatchedWeights(source: String, missing: [String], unexpected: [String], misshapen: [String])
  case unknownInitializer(String)
  case invalidTraining(String)
  case invalidNormalization(String)
  /// A model file that cannot be used: its path and the reason.
  case unsupportedModel(String, String)
  /// An ONNX file that cannot be read or run.
  case onnx(ONNXError)
  /// Labels that the model's classifier cannot output.
  case labelOutOfRange(label: Int, classCount: Int, source: String)
  /// `--classes` disagreeing with what the weights say.
  case classCountConflict(given: Int, fromWeights: Int, source: String)

  public var description: String {
    switch self {
    case .invalidInputShape(let s, let a):
      "input shape \(s) does not suit \(a) (expected [channels, height, width] of at least 4×4)"
    case .invalidClassCount(let k): "class count \(k) must be at least 2"
    case .invalidHiddenWidth(let w): "hidden width \(w) must be positive"
    case .unknownArchitecture(let s):
      "unknown model '\(s)' (choose one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")), or an .onnx file)"
    case .mismatchedWeights(let source, let missing, let unexpected, let misshapen):
      "\(source): weights do not match the model: " + [
        missing.isEmpty ? nil : "missing \(missing.joined(separator: ", "))",
        unexpected.isEmpty ? nil : "unexpected \(unexpected.joined(separator: ", "))",
        misshapen.isEmpty ? nil : "wrong shape \(misshapen.joined(separator: ", "))",
      ].compactMap { $0 }.joined(separator: "; ")
    case .invalidTraining(let s): s
    case .invalidNormalization(let s): "normalisation: \(s)"
    case .unsupportedModel(let path, let reason): "\(path): \(reason)"
    case .onnx(let error): error.description
    case .labelOutOfRange(let label, let k, let source):
      "label \(label) is outside the \(k) classes of \(source) (labels must be 0…\(k - 1))"
    case .classCountConflict(let given, let fromWeights, let source):
      "--classes \(given) conflicts with \(source), whose classifier has \(fromWeights) outputs"
    case .unknownInitializer(let s):
      "unknown initialisation '\(s)' (choose uniform, normal, xavier, kaiming, or a weights file)"
    }
  }
}
