import Foundation
import Leakage

/// What happens to the explorer: keys and ticks from the terminal, results from the engine.
/// Results name their pane by identity and carry the generation of the request they answer;
/// the update ignores answers to requests it has since replaced.
public enum ExplorerEvent: Sendable {
  case key(Key)
  /// No key within the poll interval.
  case tick
  /// The victim is loaded (milliseconds after the request): the original can be shown.
  case victimLoaded(PaneID, generation: Int, VictimSummary)
  case trainingProgress(PaneID, generation: Int, TrainingProgress)
  /// The fraction of the dense spectrum done.
  case analysisProgress(PaneID, generation: Int, fraction: Double)
  /// A stage of the analysis is ready (products, then λmax, then the full spectrum).
  case analysisStage(PaneID, generation: Int, AnalysisSummary)
  case analysisFailed(PaneID, generation: Int, message: String)
  case evaluated(PaneID, generation: Int, Evaluation)
  case evaluationFailed(PaneID, generation: Int, message: String)
  case attackProgress(PaneID, generation: Int, AttackSnapshot)
  case attackFailed(PaneID, generation: Int, message: String)
  case datasetLoaded(name: String, Dataset)
  case datasetFailed(name: String, message: String)
  case exported(directory: String)
  case exportFailed(message: String)
}

/// Work the update asks the engine to do.
public enum ExplorerEffect: Sendable, Equatable {
  /// Load the victim of `scenario` (model, weights, sample) and compute its analysis stage by
  /// stage (reusing cached stages), reporting each.
  case analyze(PaneID, generation: Int, scenario: Scenario)
  /// Evaluate I2F for `scenario`'s δ at the pane's latest analysis stage.
  case evaluate(PaneID, generation: Int, scenario: Scenario)
  /// Replace the pane's attack by a fresh one (paused) on g0 + δ for `scenario`'s δ.
  case prepareAttack(PaneID, generation: Int, scenario: Scenario, attack: AttackConfiguration)
  case attack(PaneID, AttackCommand)
  /// Forget a pane's work (it was closed).
  case dropPane(PaneID)
  case loadDataset(String)
  case export(ExportRequest)
}

/// Commands for a pane's attack.
public enum AttackCommand: Sendable, Equatable {
  case run, pause, reset
  case step(Int)
  /// Run to the end as fast as possible.
  case finish
  case speed(Double?)
}
