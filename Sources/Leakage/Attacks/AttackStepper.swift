import Autodiff
import Foundation

/// What stays fixed while an attack runs: the model the attacker knows, the gradient it sees, the
/// labels it assumes — and, for scoring only, the true images.
public struct AttackProblem: Sendable {
  public let network: any Network
  public let weights: ModelWeights
  /// The gradient the attacker sees: g0 + δ (flat, θ order).
  public let observedGradient: Tensor<Double>
  /// The labels the attacker optimises with (given, or inferred from the gradient).
  public let attackerLabels: [Int]
  public let labelsWereInferred: Bool
  /// The private images `[B, C, H, W]`; used for metrics and `truth+noise` starts, never by the objective.
  public let truth: Tensor<Double>
  public let trueLabels: [Int]

  /// A problem for `victim` whose gradient was perturbed by `delta`. With `inferLabels`, the
  /// attacker recovers labels from the gradient (iDLG) when the network's classifier has a bias;
  /// otherwise it is given the true ones.
  public init(victim: VictimBatch, observedGradient: Tensor<Double>, inferLabels: Bool) {
    network = victim.network
    weights = victim.weights
    self.observedGradient = observedGradient
    truth = victim.images
    trueLabels = victim.labels
    let inferred = inferLabels
      ? LabelInference.infer(from: observedGradient, network: victim.network, batchSize: victim.batchSize) : nil
    labelsWereInferred = inferred != nil
    attackerLabels = inferred ?? victim.labels
  }

  /// Whether the attacker's labels are the true ones (as a multiset).
  public var labelsAreCorrect: Bool { LabelInference.matches(attackerLabels, trueLabels) }
}

/// How an attack run ended.
public enum AttackStatus: String, Sendable, Codable, Equatable {
  /// Still iterating.
  case running
  /// Stopped early at an optimum: no step decreases the objective, which is (to rounding) zero.
  case converged
  /// Stopped early without reaching an optimum: no step decreases the objective any more.
  case stalled
  /// Ran every iteration of its budget.
  case maxIterations = "max-iterations"
  /// The objective or its gradient became NaN or infinite.
  case diverged
}

/// One point of an attack's trajectory.
public struct AttackRecord: Sendable, Codable, Equatable {
  public var iteration: Int
  public var trial: Int
  public var objective: Double
  /// RMSE against the truth (after batch matching): for display, never for choosing.
  public var rmse: Double
}

/// The complete, serialisable state of an attack in progress.
///
/// Save it with ``encoded()`` and read it back with ``init(encoded:)``: JSON in which every
/// number round-trips exactly (non-finite objectives included), so a resumed attack continues
/// bit for bit.
public struct AttackState<S: TensorScalar>: Sendable, Codable, Equatable {
  public var configuration: AttackConfiguration
  /// Restart index (0-based).
  public var trial = 0
  /// Iterations done in the current trial.
  public var iteration = 0
  /// x′, flat.
  public var x: [S] = []
  public var objective = Double.nan
  public var gradient: [S] = []
  public var adam: Adam<S>?
  public var lbfgs: LBFGS<S>?
  public var history: [AttackRecord] = []
  /// The best finished trial so far: its objective and x′.
  public var bestObjective: Double?
  public var bestX: [S]?
  public var isFinished = false
  /// Objective evaluations, line searches included.
  public var evaluations = 0
  /// Iterations taken over all trials (fewer than the budget when a trial stops early).
  public var steps = 0
  /// The objective and ‖∇‖ where the current trial started (to tell convergence from a stall).
  public var trialStartObjective = Double.nan
  public var trialStartGradientNorm = Double.nan
  /// How each finished trial ended.
  public var trialStatuses: [AttackStatus] = []
  /// How the best finished trial ended.
  public var bestStatus: AttackStatus?

  /// JSON for this state.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(self)
  }

  /// A state read back from ``encoded()``.
  public init(encoded data: Data) throws {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    self = try decoder.decode(AttackState.self, from: data)
  }

  init(configuration: AttackConfiguration) { self.configuration = configuration }
}

/// A gradient-inversion attack advanced one iteration at a time, so the explorer can step, pause
/// and animate it and the headless command can run it to the end — the same object for both.
/// A value: copying it clones the attack; ``state`` is Codable to save and resume.
public struct AttackStepper<S: TensorScalar>: Sendable {
  public let problem: AttackProblem
  public private(set) var state: AttackState<S>
  let objective: GradientMatchingObjective<S>

  /// A fresh attack (the first trial initialised and evaluated).
  public init(problem: AttackProblem, configuration: AttackConfiguration) throws(AttackError) {
    self.problem = problem
    state = AttackState(configuration: try configuration.validated())
    objective = GradientMatchingObjective(
      network: problem.network, weights: problem.weights, target: problem.observedGradient,
      labels: problem.attackerLabels, batchSize: problem.truth.shape[0], objective: configuration.objective,
      totalVariation: configuration.totalVariation)
    startTrial(0)
  }

  /// Resumes a saved state on the same problem.
  public init(problem: AttackProblem, resuming saved: AttackState<S>) throws(AttackError) {
    guard saved.x.count == problem.truth.count else {
      throw .incompatibleState("saved attack has \(saved.x.count) pixels, the problem \(problem.truth.count)")
    }
    self.problem = problem
    state = saved
    objective = GradientMatchingObjective(
      network: problem.network, weights: problem.weights, target: problem.observedGradient,
      labels: problem.attackerLabels, batchSize: problem.truth.shape[0], objective: saved.configuration.objective,
      totalVariation: saved.configuration.totalVariation)
  }

  public var configuration: AttackConfiguration { state.configuration }
  /// Total iterations over all restarts.
  public var totalIterations: Int { configuration.iterations * configuration.restarts }
  /// Iterations done over all restarts.
  public var iterationsDone: Int { state.trial * configuration.iterations + state.iteration }
  public var isFinished: Bool { state.isFinished }
  /// How the attack ended (the best trial's ending), or `.running`.
  public var status: AttackStatus { state.isFinished ? state.bestStatus ?? .maxIterations : .running }
  public var objectiveValue: Double { state.objective }
  /// ‖∇x′D‖ at the current x′.
  public var gradientNorm: Double { state.gradient.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

  /// The current reconstruction `[B, C, H, W]` (the best trial's once finished).
  public var reconstruction: Tensor<Double> {
    Tensor(shape: problem.truth.shape, scalars: (state.isFinished ? state.bestX ?? state.x : state.x).map { Double($0) })
  }

  /// Metrics of the current reconstruction.
  public func metrics(includeSSIM: Bool = true) -> ImageMetrics {
    ImageMetrics(reconstruction: reconstruction, truth: problem.truth, includeSSIM: includeSSIM)
  }

  /// Back to a fresh start of the first trial.
  public mutating func reset() {
    state = AttackState(configuration: state.configuration)
    startTrial(0)
  }

  /// Advances one iteration (no-op once finished).
  public mutating func step() {
    guard !state.isFinished else { return }
    let c = state.configuration
    let objective = self.objective
    let evaluate = { (x: [S]) -> (Double, [S]) in objective.evaluate(x) }
    switch c.optimizer {
    case .adam:
      var adam = state.adam ?? Adam(count: state.x.count)
      adam.step(&state.x, gradient: state.gradient, lr: c.learningRate(at: state.iteration), signed: c.signedGradient)
      state.adam = adam
      if c.boxed { clampToBox() }
      (state.objective, state.gradient) = evaluate(state.x)
      state.evaluations += 1
    case .lbfgs:
      var lbfgs = state.lbfgs ?? LBFGS(learningRate: c.learningRate, historySize: c.history)
      let before = lbfgs.evaluations, start = state.objective
      let evaluationLimit = before + (c.innerIterations * 5 + 3) / 4
      var x = state.x
      for _ in 0..<c.innerIterations {
        let previous = state.objective
        (state.objective, state.gradient) = lbfgs.step(&x, value: state.objective, gradient: state.gradient, evaluate: evaluate)
        if lbfgs.stalled || Self.unchanged(state.objective, previous) || lbfgs.evaluations >= evaluationLimit { break }
      }
      // A whole step that changed nothing is as far as L-BFGS gets.
      if c.innerIterations > 1 && Self.unchanged(state.objective, start) { lbfgs.stalled = true }
      state.x = x
      state.evaluations += lbfgs.evaluations - before
      state.lbfgs = lbfgs
      if c.boxed {
        clampToBox()
        (state.objective, state.gradient) = evaluate(state.x)
      }
    }
    state.iteration += 1
    state.steps += 1
    record()
    if !state.objective.isFinite || state.gradient.contains(where: { !$0.isFinite }) {
      finishTrial(.diverged)
    } else if state.lbfgs?.stalled == true {
      // No step decreases the objective any more: at an optimum (the gradient has all but
      // vanished, or the objective has), or stuck on a slope the line search cannot descend.
      let optimal = state.objective <= 1e-10 * state.trialStartObjective || gradientNorm <= 1e-4 * state.trialStartGradientNorm
      finishTrial(optimal ? .converged : .stalled)
    } else if state.iteration >= c.iterations {
      finishTrial(.maxIterations)
    }
  }

  /// Runs to the end, calling `progress` after every iteration (return false to stop early).
  public mutating func run(progress: (AttackStepper) -> Bool = { _ in true }) {
    while !isFinished {
      step()
      if !progress(self) { break }
    }
  }

  /// PyTorch's `tolerance_change` (1e-9), relative here: the objectives of near-exact attacks
  /// (starts at the truth, tiny δ) are themselves far below 1e-9.
  static func unchanged(_ a: Double, _ b: Double) -> Bool { Swift.abs(a - b) <= 1e-9 * Swift.max(Swift.abs(a), Swift.abs(b)) }

  private mutating func startTrial(_ trial: Int) {
    let c = state.configuration
    var rng = SeededRandom(seed: c.seed &+ UInt64(trial) &* 0x9E37_79B9)
    let n = problem.truth.count
    let x: [Double]
    switch c.initialization {
    case .normal: x = (0..<n).map { _ in rng.normal() }
    case .uniform: x = (0..<n).map { _ in rng.uniform() }
    case .zeros: x = [Double](repeating: 0, count: n)
    case .truthPlusNoise(let s): x = problem.truth.scalars.map { $0 + s * rng.normal() }
    }
    state.trial = trial
    state.iteration = 0
    state.x = x.map { S($0) }
    state.adam = nil
    state.lbfgs = nil
    (state.objective, state.gradient) = objective.evaluate(state.x)
    state.trialStartObjective = state.objective
    state.trialStartGradientNorm = gradientNorm
    state.evaluations += 1
    record()
  }

  private mutating func finishTrial(_ status: AttackStatus) {
    state.trialStatuses.append(status)
    // A diverged trial never wins over one that kept finite values.
    let better = state.bestObjective.map { state.objective < $0 } ?? true
    if state.bestStatus == nil || (status != .diverged && (better || state.bestStatus == .diverged)) {
      state.bestObjective = state.objective
      state.bestX = state.x
      state.bestStatus = status
    }
    if state.trial + 1 < state.configuration.restarts {
      startTrial(state.trial + 1)
    } else {
      state.isFinished = true
    }
  }

  @_specialize(where S == Float)
  @_specialize(where S == Double)
  private mutating func clampToBox() {
    for i in state.x.indices { state.x[i] = Swift.min(Swift.max(state.x[i], 0), 1) }
  }

  private mutating func record() {
    let current = Tensor(shape: problem.truth.shape, scalars: state.x.map { Double($0) })
    let rmse = ImageMetrics(reconstruction: current, truth: problem.truth, includeSSIM: false).rmse
    state.history.append(AttackRecord(iteration: iterationsDone, trial: state.trial, objective: state.objective, rmse: rmse))
  }
}
