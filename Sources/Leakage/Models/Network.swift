import Autodiff

/// A classifier whose parameters are passed in, so the same network runs with any weights, in
/// either precision, and with its parameters as graph leaves (for gradients in θ).
public protocol Network: Sendable {
  var spec: ModelSpec { get }
  /// Trainable parameters in the order that defines the flattened θ (PyTorch `state_dict` order,
  /// without buffers).
  var parameters: [ParameterSpec] { get }
  /// Non-trainable state (batch-norm running statistics), also in `state_dict` order.
  var buffers: [ParameterSpec] { get }
  /// Logits `[N, classes]` for images `[N, C, H, W]`.
  func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S>
  /// The bias `[classes]` of the layer that computes the logits, whose gradient gives the labels
  /// away (iDLG); nil when that layer has none.
  var classifierBias: String? { get }
  /// Weights stored with the model itself (an ONNX file's initializers); nil for the built-ins.
  var embeddedWeights: ModelWeights? { get }
  /// Things the user should know about the model, one line each (e.g. parameters an exporter
  /// folded together).
  var warnings: [String] { get }
  /// One line naming the model: its spec, plus anything notable (a dropped softmax).
  var summary: String { get }
}

extension Network {
  /// Number of trainable scalars (dθ).
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.shape.elementCount } }

  /// The last parameter, when it is a bias with one entry per class (true of every built-in).
  public var classifierBias: String? {
    guard let last = parameters.last, last.role == .bias, last.shape == [spec.classCount] else { return nil }
    return last.name
  }

  public var embeddedWeights: ModelWeights? { nil }
  public var warnings: [String] { [] }
  public var summary: String { spec.description }
}

/// What a parameter is, so initialisers can treat weights, biases and normalisation differently.
public enum ParameterRole: String, Sendable, Codable {
  /// Convolution or linear weight.
  case weight
  /// Convolution or linear bias.
  case bias
  /// Batch-norm scale γ.
  case normWeight
  /// Batch-norm shift β.
  case normBias
  /// Batch-norm running mean (a buffer).
  case runningMean
  /// Batch-norm running variance (a buffer).
  case runningVariance
  /// Batch-norm update counter (a buffer, stored as I64 by PyTorch).
  case batchCount
}

/// One named tensor of a network.
public struct ParameterSpec: Hashable, Sendable, Codable {
  public let name: String
  public let shape: [Int]
  public let role: ParameterRole
  /// Inputs feeding one output unit (C·kh·kw for a convolution), for Xavier and Kaiming.
  public let fanIn: Int
  /// Output units fed by one input (O·kh·kw for a convolution).
  public let fanOut: Int

  public init(_ name: String, _ shape: [Int], _ role: ParameterRole, fanIn: Int = 0, fanOut: Int = 0) {
    self.name = name
    self.shape = shape
    self.role = role
    self.fanIn = fanIn
    self.fanOut = fanOut
  }
}

/// Parameters and buffers by name, as the forward pass reads them.
public struct ParameterBinding<S: TensorScalar>: Sendable {
  public let parameters: [String: Variable<S>]
  public let buffers: [String: Tensor<S>]
  /// Batch normalisation uses batch statistics (training) instead of running ones (evaluation).
  public let training: Bool
  /// Receives the batch statistics of each batch-norm layer in training mode.
  var recorder: BatchStatisticsRecorder?

  public init(parameters: [String: Variable<S>], buffers: [String: Tensor<S>], training: Bool = false) {
    self.parameters = parameters
    self.buffers = buffers
    self.training = training
  }

  /// The same binding, recording batch statistics into `recorder`.
  func recording(into recorder: BatchStatisticsRecorder) -> ParameterBinding {
    var copy = self
    copy.recorder = recorder
    return copy
  }

  /// The parameter called `name` (a programming error if the network did not declare it).
  public subscript(_ name: String) -> Variable<S> {
    guard let p = parameters[name] else { preconditionFailure("network reads undeclared parameter \(name)") }
    return p
  }

  /// Convolution with the parameters `prefix.weight` and, if declared, `prefix.bias`.
  func conv(_ x: Variable<S>, _ prefix: String, stride: Int = 1, padding: Int = 0) -> Variable<S> {
    x.conv2d(self["\(prefix).weight"], bias: parameters["\(prefix).bias"], window: Window2D(stride: stride, padding: padding))
  }

  /// Linear layer `prefix`.
  func linear(_ x: Variable<S>, _ prefix: String) -> Variable<S> {
    x.linear(weight: self["\(prefix).weight"], bias: parameters["\(prefix).bias"])
  }

  /// Batch normalisation `prefix` in the binding's mode.
  func batchNorm(_ x: Variable<S>, _ prefix: String) -> Variable<S> {
    let (w, b) = (self["\(prefix).weight"], self["\(prefix).bias"])
    if training {
      if let recorder {
        let s = x.batchStatistics()
        recorder.record(prefix, (Tensor<Double>(s.mean), Tensor<Double>(s.variance)))
      }
      return x.batchNorm(weight: w, bias: b)
    }
    guard let mean = buffers["\(prefix).running_mean"], let variance = buffers["\(prefix).running_var"] else {
      preconditionFailure("missing running statistics for \(prefix)")
    }
    return x.batchNorm(runningMean: mean, runningVariance: variance, weight: w, bias: b)
  }
}

/// Specs of a convolution `[out, in, k, k]` with optional bias.
func convParameters(_ prefix: String, in c: Int, out o: Int, kernel k: Int, bias: Bool = true) -> [ParameterSpec] {
  let w = ParameterSpec("\(prefix).weight", [o, c, k, k], .weight, fanIn: c * k * k, fanOut: o * k * k)
  return bias ? [w, ParameterSpec("\(prefix).bias", [o], .bias, fanIn: c * k * k, fanOut: o * k * k)] : [w]
}

/// Specs of a linear layer `[out, in]` with bias.
func linearParameters(_ prefix: String, in i: Int, out o: Int) -> [ParameterSpec] {
  [ParameterSpec("\(prefix).weight", [o, i], .weight, fanIn: i, fanOut: o),
   ParameterSpec("\(prefix).bias", [o], .bias, fanIn: i, fanOut: o)]
}

/// Specs of a batch-norm layer over `c` channels: (parameters, buffers).
func batchNormSpecs(_ prefix: String, channels c: Int) -> (parameters: [ParameterSpec], buffers: [ParameterSpec]) {
  ([ParameterSpec("\(prefix).weight", [c], .normWeight), ParameterSpec("\(prefix).bias", [c], .normBias)],
   [ParameterSpec("\(prefix).running_mean", [c], .runningMean), ParameterSpec("\(prefix).running_var", [c], .runningVariance),
    ParameterSpec("\(prefix).num_batches_tracked", [], .batchCount)])
}

/// Output extent of a convolution or pooling window.
func windowOutput(_ n: Int, kernel: Int, stride: Int, padding: Int) -> Int { (n + 2 * padding - kernel) / stride + 1 }
