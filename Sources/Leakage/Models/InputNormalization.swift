import Autodiff
import Foundation

/// Per-channel input normalisation `z = (x − mean) / std`, as PyTorch's `Normalize(mean, std)`
/// does before the network: in i2f it is the model's first layer, so images stay in pixel space
/// [0, 1] for display, the attacks' box and the metrics.
///
/// With normalisation two input spaces make sense. In *pixel* space J, I2F and the RMSE refer to
/// the pixels x; in *model* space to z, which is what the official I2F code and most PyTorch
/// scripts compute. Per channel c: `J_pixel = J_model / std_c`, so `λ_pixel = λ_model / std²`
/// (one channel), `‖J·δ‖_pixel = ‖J·δ‖_model / std` and `I2F_pixel = std · I2F_model`.
public struct InputNormalization: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Per-channel means (one value applies to every channel).
  public var mean: [Double]
  /// Per-channel standard deviations, all > 0.
  public var std: [Double]

  /// Named presets: the constants the PyTorch tutorials use.
  public static let presets: [String: InputNormalization] = [
    "mnist": InputNormalization(uncheckedMean: [0.1307], std: [0.3081]),
    "cifar10": InputNormalization(uncheckedMean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616]),
    "imagenet": InputNormalization(uncheckedMean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
  ]

  private init(uncheckedMean mean: [Double], std: [Double]) {
    self.mean = mean
    self.std = std
  }

  /// Means and standard deviations of equal count (or one of them a single value), stds > 0.
  public init(mean: [Double], std: [Double]) throws(ModelError) {
    guard !mean.isEmpty, !std.isEmpty, mean.count == std.count || mean.count == 1 || std.count == 1,
          mean.allSatisfy(\.isFinite), std.allSatisfy({ $0 > 0 && $0.isFinite })
    else {
      throw .invalidNormalization("mean \(mean) and std \(std) must be finite, of equal count (or one value), with std > 0")
    }
    let n = Swift.max(mean.count, std.count)
    self.mean = mean.count == 1 ? Array(repeating: mean[0], count: n) : mean
    self.std = std.count == 1 ? Array(repeating: std[0], count: n) : std
  }

  /// `MEAN:STD` with comma-separated per-channel lists (`0.1307:0.3081`,
  /// `0.49,0.48,0.45:0.25,0.24,0.26`) or a preset name (`mnist`, `cifar10`, `imagenet`).
  public init(parsing text: String) throws(ModelError) {
    if let preset = Self.presets[text.lowercased()] {
      self = preset
      return
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    func numbers(_ s: Substring) -> [Double]? {
      let values = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      return values.isEmpty || values.contains(nil) ? nil : values.compactMap { $0 }
    }
    guard parts.count == 2, let mean = numbers(parts[0]), let std = numbers(parts[1]) else {
      throw .invalidNormalization(
        "'\(text)' is not MEAN:STD (comma lists per channel, e.g. 0.1307:0.3081) or one of \(Self.presets.keys.sorted().joined(separator: ", "))")
    }
    try self.init(mean: mean, std: std)
  }

  public var description: String {
    if let name = Self.presets.first(where: { $0.value == self })?.key { return name }
    let list = { (v: [Double]) in v.map { "\($0)" }.joined(separator: ",") }
    return "\(list(mean)):\(list(std))"
  }

  /// Number of channels this normalisation is for.
  public var channelCount: Int { mean.count }

  /// Per-element scale and offset for `[B, C, H, W]` tensors with `channels` channels: `z = x·a + b`.
  func channelValues(_ channels: Int) -> (scale: [Double], offset: [Double]) {
    let s = (0..<channels).map { 1 / std[$0 % std.count] }
    return (s, (0..<channels).map { -mean[$0 % mean.count] * s[$0] })
  }

  /// z = (x − mean)/std for images `[B, C, H, W]`.
  public func normalize(_ x: Tensor<Double>) -> Tensor<Double> {
    let (a, b) = channelValues(x.shape[1])
    return Self.affine(x, a, b)
  }

  /// x = z·std + mean for images `[B, C, H, W]`.
  public func denormalize(_ z: Tensor<Double>) -> Tensor<Double> {
    let c = z.shape[1]
    return Self.affine(z, (0..<c).map { std[$0 % std.count] }, (0..<c).map { mean[$0 % mean.count] })
  }

  /// A shift `d` of z in pixel terms: `std·d` (no offset).
  public func pixelShift(_ d: Tensor<Double>) -> Tensor<Double> {
    let c = d.shape[1]
    return Self.affine(d, (0..<c).map { std[$0 % std.count] }, Array(repeating: 0, count: c))
  }

  /// A shift `d` of the pixels in model terms: `d/std`.
  public func modelShift(_ d: Tensor<Double>) -> Tensor<Double> {
    let c = d.shape[1]
    return Self.affine(d, (0..<c).map { 1 / std[$0 % std.count] }, Array(repeating: 0, count: c))
  }

  private static func affine(_ x: Tensor<Double>, _ a: [Double], _ b: [Double]) -> Tensor<Double> {
    precondition(x.rank == 4, "normalisation applies to [B, C, H, W] images")
    let plane = x.shape[2] * x.shape[3], c = x.shape[1]
    var y = x
    for i in y.scalars.indices {
      let ch = (i / plane) % c
      y.scalars[i] = y.scalars[i] * a[ch] + b[ch]
    }
    return y
  }
}

/// A network behind its input normalisation: `logits(x) = base.logits((x − mean)/std)`. Same
/// parameters and buffers as the base, so weights files are those of the base model.
public struct NormalizedNetwork: Network {
  public let base: any Network
  public let normalization: InputNormalization
  public let spec: ModelSpec

  init(base: any Network, normalization: InputNormalization, spec: ModelSpec) throws(ModelError) {
    let channels = base.spec.inputShape.first ?? 0
    guard normalization.channelCount == channels || normalization.channelCount == 1 else {
      throw .invalidNormalization("\(normalization.channelCount) channels of normalisation for \(channels)-channel inputs")
    }
    self.base = base
    self.normalization = normalization
    self.spec = spec
  }

  public var parameters: [ParameterSpec] { base.parameters }
  public var buffers: [ParameterSpec] { base.buffers }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    let (a, b) = normalization.channelValues(x.shape[1])
    let shape = [a.count, 1, 1]
    let scale = Variable(Tensor<S>(Tensor(shape: shape, scalars: a)))
    let offset = Variable(Tensor<S>(Tensor(shape: shape, scalars: b)))
    return base.logits(x * scale + offset, p)
  }
}
