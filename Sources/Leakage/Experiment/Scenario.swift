import Autodiff
import Foundation

/// One experiment, as the headless commands and the explorer share it: which model with which
/// weights, which private sample, which perturbation, and how I2F is regularised. Codable, so the
/// explorer can export a view and reopen it.
public struct Scenario: Sendable, Codable, Equatable {
  public var architecture: Architecture = .convnet5
  /// Hidden width of `mlp`.
  public var hiddenWidth = 128
  public var weights: WeightSource = .initializer(.uniform, seed: 0)
  /// A sample address (`digits:0`, `photos:chelsea`, `mnist:3`, a safetensors path, …).
  public var sample = "digits:0"
  /// Class count when the sample does not say (files without class names).
  public var classCount: Int?
  public var perturbation: Perturbation = .gaussian(sigma: 1e-3)
  /// ‖δ‖ of a singular-direction perturbation; nil: 10% of ‖g0‖.
  public var directionNorm: Double?
  /// Seed of the perturbation's random draws.
  public var noiseSeed: UInt64 = 0
  public var ridge: Ridge = .relative(1e-6)

  public init() {}

  /// Builds the victim: loads the sample, makes the network for its shape, reads or draws weights.
  public func victim(using catalogue: SampleCatalogue) throws -> VictimBatch {
    let s = try catalogue.sample(sample)
    guard let classes = classCount ?? s.classCount ?? s.labels.max().map({ Swift.max($0 + 1, 2) }) else {
      throw AnalysisError.shapeMismatch("\(sample): cannot tell the number of classes; pass --classes")
    }
    var spec = ModelSpec(architecture, inputShape: s.imageShape, classCount: classes, hiddenWidth: hiddenWidth)
    // A weights file written by i2f knows its model: use it (so --init FILE needs no --model).
    if case .file(let path) = weights, let stored = try ModelWeights.storedSpec(path) {
      guard stored.inputShape == s.imageShape else {
        let shape = { (v: [Int]) in v.map(String.init).joined(separator: "×") }
        throw AnalysisError.shapeMismatch("\(path) holds a \(stored) for \(shape(stored.inputShape)) images; the sample \(sample) is \(shape(s.imageShape))")
      }
      spec = stored
    }
    let network = try spec.makeNetwork()
    return try VictimBatch(network: network, weights: try weights.weights(for: network), images: s.images, labels: s.labels)
  }

  /// δ for this scenario's perturbation at `analysis` (singular directions need its spectrum).
  public func delta(for analysis: LeakageAnalysis) throws -> Tensor<Double> {
    var rng = SeededRandom(seed: noiseSeed)
    let g0 = analysis.sharedGradient
    let norm = directionNorm ?? 0.1 * g0.norm()
    return try perturbation.delta(sharedGradient: g0, layout: analysis.jacobian.layout, rng: &rng) { end, k in
      try analysis.singularDirection(end, k, norm: norm)
    }
  }
}

/// The ε of the regularised I2F, absolute or relative to λmax (it only means something relative
/// to the spectrum).
public enum Ridge: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
  case absolute(Double)
  /// ε = factor·λmax.
  case relative(Double)

  /// `1e-4` (absolute) or `1e-6x` (times λmax).
  public init(parsing text: String) throws(AnalysisError) {
    let relative = text.hasSuffix("x") || text.hasSuffix("X")
    guard let v = Double(relative ? String(text.dropLast()) : text), v >= 0, v.isFinite else {
      throw .invalidPerturbation("ridge '\(text)' must be a number ≥ 0, optionally followed by x (times λmax)")
    }
    self = relative ? .relative(v) : .absolute(v)
  }

  public func epsilon(lambdaMax: Double) -> Double {
    switch self {
    case .absolute(let e): e
    case .relative(let f): f * lambdaMax
    }
  }

  public var description: String {
    switch self {
    case .absolute(let e): Perturbation.format(e)
    case .relative(let f): "\(Perturbation.format(f))x"
    }
  }
}

extension Perturbation: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = try Perturbation(parsing: text)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}
