import Autodiff
import Foundation

/// One experiment, as every command, the sweep and the explorer describe it: which model with
/// which weights, which private sample, which perturbation, and how I2F is computed and
/// regularised. A value: Codable (the explorer exports and reopens it, sweeps record it) and
/// Hashable (caches key on it).
///
/// The pipeline runs in four steps, each a method here or on its result:
/// ``victim(using:)`` → ``analysis(of:progress:)`` (cached per ``analysisKey``) →
/// ``evaluate(_:)`` (per δ) → ``attackProblem(_:inferLabels:)``. ``ScenarioRun`` chains them for
/// the headless commands and the sweep.
public struct Scenario: Sendable, Codable, Hashable {
  public var model: ModelSource = .builtin(.convnet5)
  /// Hidden width of `mlp`.
  public var hiddenWidth = 128
  /// Stem of `resnet18`; nil: the CIFAR stem.
  public var stem: ResNetStem?
  public var weights: WeightSource = .initializer(.uniform, seed: 0)
  /// The model's input normalisation (its first layer); nil: none, or what the weights file says.
  public var normalization: InputNormalization?
  /// The space J, I2F, the bounds and RMSE refer to (pixels, or the normalised tensor).
  public var space: InputSpace = .pixel
  /// A sample address (`digits:0`, `photos:chelsea`, `mnist:3`, a safetensors path, …).
  public var sample = "digits:0"
  /// The sample file holds normalised tensors z (mapped back to pixels with ``normalization``).
  public var sampleIsNormalized = false
  /// Class count when neither the weights nor the sample say.
  public var classCount: Int?
  public var perturbation: Perturbation = .gaussian(sigma: 1e-3)
  /// ‖δ‖ of a singular-direction perturbation; nil: 10% of ‖g0‖.
  public var directionNorm: Double?
  /// Seed of the perturbation's random draws.
  public var noiseSeed: UInt64 = 0
  public var ridge: Ridge = .relative(1e-6)
  /// How the spectrum of J·Jᵀ is computed.
  public var method: AnalysisMethod = .auto
  /// Precision of the Jacobian products (the dense eigendecomposition is always Float64).
  public var precision: Precision = .f64

  public init() {}

  // MARK: - Step 1: the victim

  /// Loads the sample, builds the network for its shape (the class count read from the weights
  /// when they come from a file), and reads or draws the weights. `trained` weights are read from
  /// `trainedWeights`, or trained there first on the sample's data set (reporting `training`).
  public func victim(
    using catalogue: SampleCatalogue, trainedWeights: TrainedWeightsCache = .user(),
    training: (TrainingProgress) -> Void = { _ in }
  ) throws -> VictimBatch {
    guard !sampleIsNormalized || normalization != nil else {
      throw ModelError.invalidNormalization("a sample of normalised tensors needs the normalisation that made them (--normalize MEAN:STD)")
    }
    let s = try catalogue.sample(sample, normalizedBy: sampleIsNormalized ? normalization : nil)
    let spec = try modelSpec(for: s)
    let network = try spec.makeNetwork()
    if let bad = s.labels.first(where: { $0 < 0 || $0 >= spec.classCount }) {
      throw ModelError.labelOutOfRange(label: bad, classCount: spec.classCount, source: "\(classCountSource) (sample \(sample))")
    }
    let values: ModelWeights
    if case .trained(let seed) = weights {
      values = try trainedWeights.weights(for: network, dataset: try trainingSet(catalogue), seed: seed, progress: training)
    } else {
      values = try weights.weights(for: network)
    }
    return try VictimBatch(network: network, weights: values, images: s.images, labels: s.labels)
  }

  /// The data set `trained` weights are trained on: the one the sample comes from.
  func trainingSet(_ catalogue: SampleCatalogue) throws -> Dataset {
    guard case .dataset(let name) = try SampleAddress(parsing: sample).source else {
      throw ModelError.invalidTraining("trained weights are trained on the sample's data set; \(sample) is a file (use digits:N, photos:NAME, …)")
    }
    return try catalogue.dataset(named: name)
  }

  /// The model for `sample`: its input shape, and the class count from (in order of authority)
  /// the weights file, `classCount`, the sample's class names, or its labels. An ONNX file fixes
  /// both itself.
  func modelSpec(for s: Sample) throws -> ModelSpec {
    if case .onnx(let path) = model {
      var spec = try ONNXNetwork(path: path, inputShape: s.imageShape).spec
      if let classCount, classCount != spec.classCount {
        throw ModelError.classCountConflict(given: classCount, fromWeights: spec.classCount, source: path)
      }
      spec.normalization = normalization
      return spec
    }
    let fallback = classCount ?? s.classCount ?? Swift.max((s.labels.max() ?? 0) + 1, 2)
    var spec = ModelSpec(model, inputShape: s.imageShape, classCount: fallback, hiddenWidth: hiddenWidth, stem: stem ?? .cifar)
    spec.normalization = normalization
    guard case .file(let path) = weights else { return spec }
    if var stored = try ModelWeights.storedSpec(path) {
      // A weights file written by i2f knows its model (so --init FILE needs no --model).
      guard stored.inputShape == s.imageShape else {
        let shape = { (v: [Int]) in v.map(String.init).joined(separator: "×") }
        throw AnalysisError.shapeMismatch(
          "\(path) holds a \(stored) for \(shape(stored.inputShape)) images; the sample \(sample) is \(shape(s.imageShape))")
      }
      // The normalisation the weights were trained with, unless the scenario names one.
      if let normalization, let trained = stored.normalization, normalization != trained {
        throw ModelError.invalidNormalization("\(path) was trained with normalisation \(trained), not \(normalization)")
      }
      stored.normalization = normalization ?? stored.normalization
      spec = stored
    } else {
      spec.classCount = try ModelWeights.classifierRows(path, for: try spec.makeNetwork())
    }
    if let classCount, classCount != spec.classCount {
      throw ModelError.classCountConflict(given: classCount, fromWeights: spec.classCount, source: path)
    }
    return spec
  }

  private var classCountSource: String {
    if case .onnx(let path) = model { return path }
    if case .file(let path) = weights { return path }
    return classCount != nil ? "--classes \(classCount!)" : "the model"
  }

  // MARK: - Step 2: the analysis

  /// What an analysis depends on: this scenario without its perturbation and ridge (which only
  /// the evaluation uses). Two scenarios with the same key share one analysis.
  public var analysisKey: Scenario {
    var key = self
    key.perturbation = .none
    key.directionNorm = nil
    key.noiseSeed = 0
    key.ridge = .relative(0)
    return key
  }

  /// The analysis of `victim` with the full spectrum by ``method``. On the matrix-free path the
  /// trace of the inverse (expensive there) is estimated only for Gaussian noise, where the
  /// expected RMSE needs it.
  public func analysis(
    of victim: VictimBatch, progress: (@Sendable (Double) -> Void)? = nil, status: (@Sendable (String) -> Void)? = nil
  ) throws -> Analysis {
    try Analysis(victim, space: space, method: method, precision: precision, ridge: ridge,
                 trace: perturbation.gaussianSigma != nil, progress: progress, status: status)
  }

  /// The first, cheap stage of the analysis: the Jacobian products only (see ``Analysis``).
  public func products(of victim: VictimBatch) -> Analysis {
    Analysis(productsOf: victim, space: space, precision: precision)
  }

  // MARK: - Step 3: the evaluation

  /// Whether δ needs the spectrum (singular directions do; noise, pruning, DP and files need only g0).
  public var deltaNeedsSpectrum: Bool {
    if case .direction = perturbation { return true }
    return false
  }

  /// δ for this scenario's perturbation at `analysis` (singular directions need its dense spectrum).
  /// Deterministic: the same scenario gives the same δ at every stage of the analysis.
  public func delta(for analysis: Analysis) throws -> Tensor<Double> {
    var rng = SeededRandom(seed: noiseSeed)
    let g0 = analysis.sharedGradient
    let norm = directionNorm ?? 0.1 * g0.norm()
    return try perturbation.delta(sharedGradient: g0, layout: analysis.jacobian.layout, rng: &rng) { end, k in
      try analysis.singularDirection(end, k, norm: norm)
    }
  }

  /// The I2F numbers for this scenario's δ, as far as `analysis` has been computed.
  public func evaluate(_ analysis: Analysis) throws -> Evaluation {
    try analysis.evaluate(delta: delta(for: analysis), ridge: ridge, gaussianSigma: perturbation.gaussianSigma)
  }

  // MARK: - Step 4: the attack

  /// What the attacker faces: the model, its weights and g0 + δ. With `inferLabels`, labels are
  /// recovered from the gradient (iDLG); otherwise the attacker is given the true ones.
  public func attackProblem(_ analysis: Analysis, _ evaluation: Evaluation, inferLabels: Bool = true) -> AttackProblem {
    AttackProblem(victim: analysis.victim, observedGradient: analysis.sharedGradient + evaluation.delta, inferLabels: inferLabels)
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

  public init(from decoder: any Decoder) throws {
    self = try Ridge(parsing: try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
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
