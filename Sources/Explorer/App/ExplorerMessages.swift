import Foundation
import Leakage

/// What happens to the explorer: keys and ticks from the terminal, results from the engine.
public enum ExplorerEvent: Sendable {
  case key(Key)
  /// No key within the poll interval.
  case tick
  case analysisProgress(pane: Int, generation: Int, fraction: Double)
  case analysisReady(pane: Int, generation: Int, AnalysisSummary)
  case analysisFailed(pane: Int, generation: Int, message: String)
  case evaluated(pane: Int, generation: Int, Evaluation)
  case evaluationFailed(pane: Int, generation: Int, message: String)
  case attackProgress(pane: Int, generation: Int, AttackSnapshot)
  case datasetLoaded(name: String, Dataset)
  case datasetFailed(name: String, message: String)
  case exported(directory: String)
  case exportFailed(message: String)
}

/// Work the update asks the engine to do.
public enum ExplorerEffect: Sendable, Equatable {
  /// Build (or reuse) the analysis of pane `pane` for `scenario`'s model, weights and sample.
  case analyze(pane: Int, generation: Int, scenario: Scenario)
  /// Evaluate I2F for `scenario`'s perturbation and prepare a fresh attack on the perturbed gradient.
  case evaluate(pane: Int, generation: Int, scenario: Scenario, attack: AttackConfiguration, attackGeneration: Int)
  case attack(pane: Int, AttackCommand)
  /// Forget a pane's work (it was closed).
  case dropPane(Int)
  case loadDataset(String)
  case export(ExplorerSnapshotRequest)
}

/// Commands for a pane's attack.
public enum AttackCommand: Sendable, Equatable {
  case run, pause, reset
  case step(Int)
  /// Run to the end as fast as possible.
  case finish
  case speed(Double?)
}

/// What the export writes: the configuration and the panes' weights, so the engine can add the
/// images and numbers it holds.
public struct ExplorerSnapshotRequest: Sendable, Equatable {
  public var configuration: ExplorerConfiguration
  public var directory: String
}
