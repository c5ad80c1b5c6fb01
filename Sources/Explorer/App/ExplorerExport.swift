import Autodiff
import Foundation
import Leakage

/// What `e` writes, taken from the state when the key is pressed: the configuration that reopens
/// the view, the original, and per pane the I2F prediction, the attack's reconstruction and the
/// numbers on screen. The engine only writes it out.
public struct ExportRequest: Sendable, Equatable {
  public var configuration: ExplorerConfiguration
  /// Where to write; empty: `i2f-export-TIMESTAMP` in the working directory.
  public var directory: String
  /// The private images x0 (when loaded).
  public var original: Tensor<Double>?
  public var panes: [ExportedPane]
}

/// One pane's part of an export.
public struct ExportedPane: Sendable, Equatable {
  /// File-name stem, e.g. `pane1-uniform`.
  public var name: String
  /// x0 + I2F(δ) (the ridge form on the matrix-free path).
  public var prediction: Tensor<Double>?
  /// The attack's current reconstruction, when it ran.
  public var reconstruction: Tensor<Double>?
  /// The numbers computed so far, by snake_case key (those not computed are absent).
  public var numbers: [String: Double]
}

extension ExplorerState {
  /// The export of the current view into `directory`.
  public func exportRequest(directory: String) -> ExportRequest {
    var s = scenario
    s.weights = panes[0].weights
    s.perturbation = control.perturbation(gradientNorm: panes[0].analysis?.gradientNorm ?? 1)
    let configuration = ExplorerConfiguration(scenario: s, control: control, attack: attack, panes: panes.map(\.weights),
                                              compare: screen == .compare, targetRMSE: targetRMSE)
    let exported = panes.enumerated().map { i, pane in
      ExportedPane(name: "pane\(i + 1)-\(pane.weights.shortName)", prediction: pane.report?.predictedImages,
                   reconstruction: pane.attackRan ? pane.attack?.reconstruction : nil, numbers: Self.exportedNumbers(pane))
    }
    return ExportRequest(configuration: configuration, directory: directory, original: panes.lazy.compactMap(\.victim).first?.images,
                         panes: exported)
  }

  static func exportedNumbers(_ pane: PaneState) -> [String: Double] {
    var n: [String: Double] = [:]
    if let r = pane.report {
      let values: [(String, Double?)] = [
        ("grad_norm", r.gradientNorm), ("delta_norm", r.deltaNorm), ("jdelta_norm", r.jDeltaNorm),
        ("lambda_max", r.lambdaMax), ("lambda_min", r.lambdaMin), ("lambda_min_estimate", r.lambdaMinEstimate),
        ("rank", r.rank.map(Double.init)), ("condition", r.condition), ("i2f_norm", r.i2fNorm),
        ("i2f_ridge_norm", r.i2fRidgeNorm), ("ridge_epsilon", r.ridge), ("i2f_lb", r.lowerBound), ("i2f_ub", r.upperBound),
        ("i2f_ub_estimate", r.upperBoundEstimate), ("predicted_rmse", r.predictedRMSE), ("predicted_ridge_rmse", r.predictedRidgeRMSE),
        ("expected_rmse", r.expectedRMSE), ("expected_ridge_rmse", r.expectedRidgeRMSE),
      ]
      for case (let key, let value?) in values { n[key] = value }
    }
    if let a = pane.attack, pane.attackRan {
      n["attack_iteration"] = Double(a.iteration)
      n["attack_rmse"] = a.metrics.rmse
      n["attack_psnr"] = a.metrics.psnr
      n["attack_ssim"] = a.metrics.ssim
    }
    return n
  }
}
