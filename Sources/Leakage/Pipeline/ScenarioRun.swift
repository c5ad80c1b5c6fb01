import Autodiff
import Foundation

/// One scenario run end to end — victim, analysis, evaluation and optionally an attack — as
/// `i2f bound`, `i2f attack` and every sweep row do it, with the numbers as one flat list of
/// named fields so the three print the same keys.
public struct ScenarioRun: Sendable {
  public let scenario: Scenario
  public let analysis: Analysis
  public let evaluation: Evaluation
  /// The attack, once ``runAttack(_:precision:inferLabels:progress:)`` ran.
  public private(set) var attack: AttackOutcome?
  /// Wall time of the victim, analysis and evaluation, in seconds.
  public let analysisSeconds: Double

  /// Runs the first three steps of `scenario`'s pipeline, taking the analysis from `analyses`
  /// when another run already computed it. `progress` receives the fraction of the dense
  /// spectrum done.
  public init(
    _ scenario: Scenario, catalogue: SampleCatalogue, analyses: ScenarioAnalysisCache? = nil,
    progress: (@Sendable (Double) -> Void)? = nil, status: (@Sendable (String) -> Void)? = nil
  ) throws {
    let start = Date()
    self.scenario = scenario
    func compute() throws -> Analysis {
      try scenario.analysis(of: try scenario.victim(using: catalogue), progress: progress, status: status)
    }
    analysis = try analyses.map { try $0.analysis(for: scenario, compute: compute) } ?? compute()
    evaluation = try scenario.evaluate(analysis)
    analysisSeconds = Date().timeIntervalSince(start)
  }

  public var victim: VictimBatch { analysis.victim }

  /// Runs `configuration` on g0 + δ to the end. `progress` is called after every iteration with
  /// (iterations done, total, last objective, last RMSE); return false to stop early.
  public mutating func runAttack(
    _ configuration: AttackConfiguration, precision: Precision = .f32, inferLabels: Bool = true,
    progress: (AttackProgress) -> Bool = { _ in true }
  ) throws {
    let problem = scenario.attackProblem(analysis, evaluation, inferLabels: inferLabels)
    switch precision {
    case .f32: attack = try execute(AttackStepper<Float>(problem: problem, configuration: configuration), precision, progress)
    case .f64: attack = try execute(AttackStepper<Double>(problem: problem, configuration: configuration), precision, progress)
    }
  }

  private func execute<S: TensorScalar>(
    _ stepper: AttackStepper<S>, _ precision: Precision, _ progress: (AttackProgress) -> Bool
  ) throws -> AttackOutcome {
    let start = Date()
    var a = stepper
    a.run { a in
      let last = a.state.history.last
      return progress(AttackProgress(iteration: a.iterationsDone, total: a.totalIterations, objective: last?.objective, rmse: last?.rmse))
    }
    return AttackOutcome(
      configuration: a.configuration, precision: precision, reconstruction: a.reconstruction,
      rmse: evaluation.rmse(ofReconstruction: a.reconstruction), metrics: a.metrics(),
      history: a.state.history, iterations: a.state.steps, evaluations: a.state.evaluations,
      objective: a.state.bestObjective ?? a.objectiveValue, status: a.status, labels: a.problem.attackerLabels,
      labelsInferred: a.problem.labelsWereInferred, labelsCorrect: a.problem.labelsAreCorrect,
      seconds: Date().timeIntervalSince(start))
  }

  /// Every number of the run as `(snake_case key, value)`: the configuration, the analysis, the
  /// evaluation and (when it ran) the attack. What `bound --json`, `attack --json` and the sweep
  /// rows print. Numbers that were not computed are null; `label` is null for batches (see
  /// `labels`); `iterations_done` may be below `iteration_budget` when the attack stopped early
  /// (see `status`).
  public func fields(targetRMSE: Double = 0.1) -> [(String, JSONValue)] {
    let e = evaluation, v = victim
    var f: [(String, JSONValue)] = [
      ("sample", .string(scenario.sample)), ("model", .string(scenario.model.description)),
      ("model_summary", .string(v.network.summary)), ("weights", .string(v.weights.provenance)),
      ("classes", .integer(v.network.spec.classCount)), ("labels", .array(v.labels.map { .integer($0) })),
      ("label", v.labels.count == 1 ? .integer(v.labels[0]) : .null),
      ("normalize", v.normalization.map { .string($0.description) } ?? .null),
      ("space", .string(scenario.space.rawValue)), ("perturbation", .string(scenario.perturbation.description)), ("noise_seed", .integer(Int(scenario.noiseSeed))),
      ("ridge", .string(scenario.ridge.description)), ("precision", .string(scenario.precision.rawValue)),
      ("method", .string(e.method)), ("dx", .integer(e.inputCount)), ("dtheta", .integer(e.parameterCount)),
      ("loss", .finite(e.loss)), ("grad_norm", .finite(e.gradientNorm)), ("delta_norm", .finite(e.deltaNorm)),
      ("jdelta_norm", .finite(e.jDeltaNorm)), ("lambda_max", .finite(e.lambdaMax)),
      ("lambda_max_residual", .finite(e.lambdaMaxResidual)), ("lambda_min", .finite(e.lambdaMin)),
      ("lambda_min_estimate", .finite(e.lambdaMinEstimate)), ("lambda_min_residual", .finite(e.lambdaMinResidual)),
      ("rank", e.rank.map { .integer($0) } ?? .null), ("condition", .finite(e.condition)),
      ("i2f_norm", .finite(e.i2fNorm)), ("i2f_ridge_norm", .finite(e.i2fRidgeNorm)),
      ("i2f_ridge_error_bound", .finite(e.ridgeRelativeErrorBound)), ("ridge_epsilon", .finite(e.ridge)),
      ("i2f_lb", .finite(e.lowerBound)), ("i2f_ub", .finite(e.upperBound)), ("i2f_ub_estimate", .finite(e.upperBoundEstimate)),
      ("predicted_rmse", .finite(e.predictedRMSE)), ("predicted_ridge_rmse", .finite(e.predictedRidgeRMSE)),
      ("expected_rmse", .finite(e.expectedRMSE)), ("expected_ridge_rmse", .finite(e.expectedRidgeRMSE)),
      ("trace_inverse", .finite(e.traceOfInverse)), ("trace_ridge_inverse", .finite(e.traceOfRidgeInverse)),
      ("sigma_for_target_rmse", .finite(e.sigma(forTargetRMSE: targetRMSE))),
      ("ridge_sigma_for_target_rmse", .finite(e.ridgeSigma(forTargetRMSE: targetRMSE))), ("target_rmse", .finite(targetRMSE)),
      ("solver_iterations", .integer(e.iterations)), ("solver_converged", .bool(e.converged)),
      ("analysis_seconds", .finite(analysisSeconds)),
    ]
    if let a = attack {
      f += [
        ("attack", .string(a.configuration.preset)), ("attack_precision", .string(a.precision.rawValue)),
        ("iterations_done", .integer(a.iterations)), ("iteration_budget", .integer(a.configuration.iterations * a.configuration.restarts)),
        ("evaluations", .integer(a.evaluations)), ("status", .string(a.status.rawValue)), ("objective", .finite(a.objective)),
        ("rmse", .finite(a.rmse)), ("pixel_rmse", .finite(a.metrics.rmse)), ("psnr", .finite(a.metrics.psnr)),
        ("ssim", .finite(a.metrics.ssim)), ("mse", .finite(a.metrics.mse)), ("label_inferred", .bool(a.labelsInferred)), ("label_correct", .bool(a.labelsCorrect)),
        ("attack_labels", .array(a.labels.map { .integer($0) })), ("attack_seconds", .finite(a.seconds)),
      ]
    }
    f.append(("seconds", .finite(analysisSeconds + (attack?.seconds ?? 0))))
    return f
  }
}

/// Where a running attack stands, for progress displays.
public struct AttackProgress: Sendable {
  public var iteration: Int
  public var total: Int
  public var objective: Double?
  public var rmse: Double?
}

/// A finished attack: its reconstruction, scores and how it ended.
public struct AttackOutcome: Sendable {
  public var configuration: AttackConfiguration
  public var precision: Precision
  /// `[B, C, H, W]`: the best trial's x′.
  public var reconstruction: Tensor<Double>
  /// RMSE in the scenario's space (comparable with the predicted RMSE).
  public var rmse: Double
  /// Pixel-space metrics (PSNR and SSIM with data range 1).
  public var metrics: ImageMetrics
  public var history: [AttackRecord]
  /// Iterations taken (fewer than the budget when the attack stopped early).
  public var iterations: Int
  /// Objective evaluations, line searches included.
  public var evaluations: Int
  public var objective: Double
  public var status: AttackStatus
  /// The labels the attacker used.
  public var labels: [Int]
  public var labelsInferred: Bool
  public var labelsCorrect: Bool
  public var seconds: Double
}
