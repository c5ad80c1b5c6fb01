import Autodiff
import Leakage

/// Everything the explorer shows, as one value: the pure `update` changes it and the pure `view`
/// draws it. Heavy objects (the analyses, the running attacks) live in ``ExplorerEngine``; only
/// their results arrive here, as events.
public struct ExplorerState: Sendable {
  public enum Screen: Sendable, Equatable { case main, compare }

  /// The shared experiment: model, sample, ridge, noise seed (weights are per pane).
  public var scenario: Scenario
  /// The perturbation slider.
  public var control: PerturbationControl
  /// The attack every pane runs.
  public var attack: AttackConfiguration
  /// Pane 0 is the main view; the compare view shows all (2–4).
  public var panes: [PaneState]
  public var screen: Screen = .main
  /// Focused pane in the compare view.
  public var focus = 0
  public var overlay: Overlay?
  public var message: StatusMessage?
  /// The reconstruction RMSE whose Gaussian σ is shown.
  public var targetRMSE = 0.1
  /// Index into ``AttackSpeed/levels``.
  public var speed = 2
  /// Weight sources offered in the initialisation picker (initialisers, then files).
  public var weightChoices: [WeightSource]
  /// Data sets offered in the sample browser (names, loaded lazily by the engine).
  public var datasetNames: [String]
  /// Data sets loaded so far, for the browser's thumbnails.
  public var datasets: [String: Dataset] = [:]
  public var quit = false
  /// Next request number; results of older requests are ignored.
  public var nextGeneration = 1

  public init(scenario: Scenario, attack: AttackConfiguration, compare: [WeightSource] = [], weightChoices: [WeightSource], datasetNames: [String]) {
    self.scenario = scenario
    self.control = PerturbationControl(scenario.perturbation)
    self.attack = attack
    self.panes = [PaneState(weights: scenario.weights)] + compare.map { PaneState(weights: $0) }
    self.weightChoices = weightChoices
    self.datasetNames = datasetNames
  }

  /// The pane the keys act on: the focused one in the compare view, else the main one.
  public var activePane: Int { screen == .compare ? focus : 0 }

  /// The scenario of pane `i` (its weights; δ from the shared slider).
  public func scenario(forPane i: Int) -> Scenario {
    var s = scenario
    s.weights = panes[i].weights
    let g0 = panes[i].summary?.gradientNorm ?? 1
    s.perturbation = control.perturbation(gradientNorm: g0)
    return s
  }
}

/// One model/initialisation being analysed and attacked.
public struct PaneState: Sendable {
  public var weights: WeightSource
  public var analysis: AnalysisStatus = .pending
  public var analysisGeneration = 0
  /// The I2F numbers for the current δ (the last complete ones while a new δ is evaluated).
  public var report: Evaluation?
  public var evaluationGeneration = 0
  public var evaluating = false
  public var attack: AttackSnapshot?
  public var attackGeneration = 0
  public var attackRunning = false

  public init(weights: WeightSource) { self.weights = weights }

  public var summary: AnalysisSummary? {
    if case .ready(let s) = analysis { return s }
    return nil
  }
}

/// Where a pane's analysis stands.
public enum AnalysisStatus: Sendable {
  case pending
  case computing(progress: Double)
  case ready(AnalysisSummary)
  case failed(String)
}

/// What the view needs from a finished analysis.
public struct AnalysisSummary: Sendable {
  public var images: Tensor<Double>
  public var labels: [Int]
  /// Eigenvalues of J·Jᵀ ascending (dense path only).
  public var eigenvalues: [Double]?
  public var lambdaMax: Double
  public var lambdaMin: Double
  public var method: String
  public var seconds: Double
  public var inputCount: Int
  public var parameterCount: Int
  public var gradientNorm: Double
  public var loss: Double
  /// The model as built, e.g. `convnet5(1×8×8 → 10)`.
  public var model: String
  /// Its short name (architecture or model file).
  public var architecture: String
  public var weights: String
  public var rank: Int?
}

/// A running attack as the view sees it.
public struct AttackSnapshot: Sendable {
  public var iteration: Int
  public var total: Int
  public var trial: Int
  public var objectives: [Double]
  public var reconstruction: Tensor<Double>
  public var metrics: ImageMetrics
  public var finished: Bool
  public var labels: [Int]
  public var labelsInferred: Bool
  public var labelsCorrect: Bool
  /// Iterations per second over the last run.
  public var rate: Double
  /// Whether the attack is running (not paused).
  public var running: Bool
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
