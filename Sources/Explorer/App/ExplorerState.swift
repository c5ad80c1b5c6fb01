import Autodiff
import Leakage

/// Everything the explorer shows, as one value: the pure `update` changes it and the pure `view`
/// draws it. Heavy objects (the analyses, the running attacks) live in ``ExplorerEngine``; only
/// their results arrive here, as events, and this state is the only place they are kept.
public struct ExplorerState: Sendable {
  public enum Screen: Sendable, Equatable { case main, compare }

  /// The shared experiment: model, sample, ridge, noise seed. Weights and δ are per pane: see
  /// ``scenario(forPane:)`` (its `weights` are the first pane's as the view was opened).
  public var scenario: Scenario
  /// The perturbation slider.
  public var control: PerturbationControl
  /// The attack every pane runs.
  public var attack: AttackConfiguration
  /// The first pane is the main view's; the compare view shows all (2–4).
  public var panes: [PaneState]
  public var screen: Screen = .main
  /// Position of the focused pane in the compare view.
  public var focus = 0
  public var overlay: Overlay?
  public var message: StatusMessage?
  /// The reconstruction RMSE whose Gaussian σ is shown.
  public var targetRMSE = 0.1
  /// Index into ``AttackSpeed/levels``.
  public var speed = 2
  /// Models offered in the model picker (built-ins, then model files).
  public var modelChoices: [ModelChoice]
  /// Weight sources offered in the initialisation picker (initialisers, trained, then files).
  public var weightChoices: [WeightSource]
  /// The seed of random initialisations and training (`--seed`): kept when a model change
  /// replaces weights that belong to another model.
  public var seed: UInt64
  /// Data sets offered in the sample browser (names, loaded lazily by the engine).
  public var datasetNames: [String]
  /// Data sets loaded so far, for the browser's thumbnails.
  public var datasets: [String: Dataset] = [:]
  public var quit = false
  /// Next request number; results of older requests are ignored.
  public var nextGeneration = 1
  /// Next pane identity.
  public var nextPaneID = 0

  public init(
    scenario: Scenario, attack: AttackConfiguration, compare: [WeightSource] = [], weightChoices: [WeightSource],
    modelChoices: [ModelChoice] = ModelChoice.builtins, seed: UInt64 = 0, datasetNames: [String]
  ) {
    self.scenario = scenario
    self.control = PerturbationControl(scenario.perturbation)
    self.attack = attack
    self.panes = []
    self.weightChoices = weightChoices
    self.modelChoices = modelChoices
    self.seed = seed
    self.datasetNames = datasetNames
    for w in [scenario.weights] + compare { panes.append(PaneState(id: takePaneID(), weights: w)) }
  }

  /// Position of the pane the keys act on: the focused one in the compare view, else the main one.
  public var activePane: Int { screen == .compare ? focus : 0 }

  /// Position of the pane with identity `id`, if it is still open.
  public func index(of id: PaneID) -> Int? { panes.firstIndex { $0.id == id } }

  /// The scenario of pane `i` (its weights; δ from the shared slider, the DP clip from its ‖g0‖).
  public func scenario(forPane i: Int) -> Scenario {
    var s = scenario
    s.weights = panes[i].weights
    s.perturbation = control.perturbation(gradientNorm: panes[i].analysis?.gradientNorm ?? 1)
    return s
  }

  /// A new pane identity.
  mutating func takePaneID() -> PaneID {
    defer { nextPaneID += 1 }
    return PaneID(nextPaneID)
  }
}

/// One model/initialisation being analysed and attacked.
public struct PaneState: Sendable {
  public let id: PaneID
  public var weights: WeightSource
  /// What the analysis is doing now.
  public var phase: AnalysisPhase = .loading
  public var analysisGeneration = 0
  /// The victim (images, labels, model), as soon as it is loaded.
  public var victim: VictimSummary?
  /// The most advanced analysis stage computed so far.
  public var analysis: AnalysisSummary?
  /// The I2F numbers for the current δ at the latest stage evaluated (the previous ones while a
  /// new δ or stage is evaluated).
  public var report: Evaluation?
  public var evaluationGeneration = 0
  public var evaluating = false
  /// The attack on g0 + δ for the current δ; nil until it is prepared.
  public var attack: AttackSnapshot?
  /// Generation of the attack prepared for the current δ; 0: none yet.
  public var attackGeneration = 0
  /// Why the attack for the current δ could not be prepared.
  public var attackFailure: String?

  public init(id: PaneID, weights: WeightSource) {
    self.id = id
    self.weights = weights
  }

  /// Whether the attack has been run for at least one iteration.
  public var attackRan: Bool { (attack?.iteration ?? 0) > 0 }
}

/// What a pane's analysis is doing: loading the victim, training its weights, then the stages
/// of ``Analysis`` in order.
public enum AnalysisPhase: Sendable, Equatable {
  /// Loading the sample and building the model.
  case loading
  /// Training the `trained` weights (first use of a model, data set and seed).
  case training(TrainingProgress)
  /// The Jacobian products (g0, J·δ).
  case products
  /// λmax by Lanczos.
  case largestEigenvalue
  /// The full spectrum; the fraction done when the dense path reports it.
  case spectrum(fraction: Double?)
  case complete
  case failed(String)
}

/// What the view needs from the victim: available milliseconds after a choice.
public struct VictimSummary: Sendable {
  public var images: Tensor<Double>
  public var labels: [Int]
  /// The model as built, e.g. `convnet5(1×8×8 → 10)`.
  public var model: String
  /// Its short name (architecture or model file).
  public var architecture: String
  /// Where the weights came from.
  public var weights: String
  public var inputCount: Int
  public var parameterCount: Int

  public init(images: Tensor<Double>, labels: [Int], model: String, architecture: String, weights: String, inputCount: Int, parameterCount: Int) {
    self.images = images
    self.labels = labels
    self.model = model
    self.architecture = architecture
    self.weights = weights
    self.inputCount = inputCount
    self.parameterCount = parameterCount
  }
}

/// What the view needs from one stage of an analysis (the numbers come from its evaluation).
public struct AnalysisSummary: Sendable {
  /// "products only", "λmax only", "dense" or "matrix-free".
  public var method: String
  /// Whether the full spectrum is computed.
  public var isComplete: Bool
  /// Whether λmax is computed.
  public var hasLargestEigenvalue: Bool
  /// Eigenvalues of J·Jᵀ ascending (dense path only).
  public var eigenvalues: [Double]?
  /// ‖g0‖ (the default DP clip is half of it).
  public var gradientNorm: Double
  /// Wall time of the stages so far, in seconds.
  public var seconds: Double

  public init(method: String, isComplete: Bool, hasLargestEigenvalue: Bool, eigenvalues: [Double]?, gradientNorm: Double, seconds: Double) {
    self.method = method
    self.isComplete = isComplete
    self.hasLargestEigenvalue = hasLargestEigenvalue
    self.eigenvalues = eigenvalues
    self.gradientNorm = gradientNorm
    self.seconds = seconds
  }
}

/// An attack as the view sees it.
public struct AttackSnapshot: Sendable {
  public var iteration: Int
  public var total: Int
  public var trial: Int
  public var objectives: [Double]
  public var reconstruction: Tensor<Double>
  public var metrics: ImageMetrics
  /// How the attack stands: running (not finished), or how it ended.
  public var status: AttackStatus
  public var labels: [Int]
  public var labelsInferred: Bool
  public var labelsCorrect: Bool
  /// Iterations per second over the last run.
  public var rate: Double
  /// Whether the runner is stepping it now (false: paused or finished).
  public var isRunning: Bool

  /// Whether the attack has ended (converged, stalled, out of iterations or diverged).
  public var finished: Bool { status != .running }
}

/// A model the model picker offers.
public struct ModelChoice: Sendable, Equatable {
  public var model: ModelSource
  /// Weights that come with it (a `.safetensors` model file: the weights name their model).
  public var weights: WeightSource?
  /// The name shown in the picker.
  public var name: String

  public init(model: ModelSource, weights: WeightSource? = nil, name: String? = nil) {
    self.model = model
    self.weights = weights
    self.name = name ?? model.shortName
  }

  /// The built-in architectures.
  public static var builtins: [ModelChoice] { Architecture.allCases.map { ModelChoice(model: .builtin($0)) } }
}

/// Modal layers over the screens.
public enum Overlay: Sendable, Equatable {
  case help(scroll: Int)
  case picker(PickerKind, ListPicker)
  case samples(SampleBrowser)
}

/// The list pickers.
public enum PickerKind: Sendable, Equatable {
  case model, initialization, perturbation, attack
}

/// Attack animation speeds (iterations per second; nil = as fast as possible).
public enum AttackSpeed {
  public static let levels: [(label: String, perSecond: Double?)] = [
    ("5/s", 5), ("20/s", 20), ("100/s", 100), ("500/s", 500), ("max", nil),
  ]
}
