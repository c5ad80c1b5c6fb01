import Autodiff
import Foundation
import Leakage

// ┌──────────────────────────────────────────────────────────────────────────────────────────┐
// │ The real runs of `i2f sweep`, written against today's single-run API (`Scenario`,        │
// │ `victim(using:)`, `LeakageAnalysis`, `evaluate`, `AttackStepper`), as `i2f bound` and    │
// │ `i2f attack` use it. This file is meant to be replaced: when `ScenarioRun.numbers(for:   │
// │ attack:)` lands in Leakage, keep `scenario(for:)` / `attack(for:)` (or their successors) │
// │ and make `numbers(for:)` call it. Nothing else in Studies depends on this file.          │
// └──────────────────────────────────────────────────────────────────────────────────────────┘

/// Runs one sweep point for real: builds the scenario, computes I2F and its bounds, and (unless
/// the attack is `none`) runs the attack on the perturbed gradient.
///
/// Row keys follow `i2f bound --json` and `i2f attack --json`, except where a key would clash with
/// the configuration's: bound's solver `iterations` is `solver_iterations`, attack's `iterations`
/// (done) is `iterations_done`, bound's ridge ε is `ridge_epsilon`; `sample`, `model` and
/// `perturbation` are the configuration's. Also `label` (an integer, or a list for a batch) and
/// `analysis_seconds` / `attack_seconds`.
public struct ScenarioExecutor: SweepExecutor {
  /// Resolves sample addresses (shared cache, thread-safe).
  public let catalogue: SampleCatalogue
  /// Where `init: trained` looks for `MODEL-DATASET.safetensors` (what `i2f train` writes).
  public var weightsDirectory: String
  /// Hidden width of `mlp` when the plan has no `widths`.
  public static let defaultWidth = 128
  /// Inputs (pixels × batch) above which a run is ``SweepWorkload/large``.
  public static let largeInputCount = 1024

  public init(catalogue: SampleCatalogue, weightsDirectory: String = "Weights") {
    self.catalogue = catalogue
    self.weightsDirectory = weightsDirectory
  }

  // MARK: - Point → scenario (keep when the pipeline changes)

  /// The scenario a point describes.
  public func scenario(for point: SweepPoint) throws -> Scenario {
    var s = Scenario()
    if point.model.lowercased().hasSuffix(".onnx") {
      throw ScenarioExecutorError("\(point.model): ONNX models are not supported by this version of i2f sweep yet")
    }
    guard let architecture = Architecture(rawValue: point.model) else { throw ModelError.unknownArchitecture(point.model) }
    s.architecture = architecture
    s.hiddenWidth = point["width"]?.doubleValue.map { Int($0) } ?? Self.defaultWidth
    s.sample = sampleAddress(point)
    switch point.initialization {
    case "trained": s.weights = .file(try trainedWeights(for: point))
    default: s.weights = try WeightSource(parsing: point.initialization, seed: point.seed)
    }
    s.perturbation = try Perturbation(parsing: point.noise)
    s.noiseSeed = point.seed
    s.directionNorm = point["direction_norm"]?.doubleValue
    if let ridge = point["ridge"]?.stringValue { s.ridge = try Ridge(parsing: ridge) }
    return s
  }

  /// The attack a point asks for, or nil for `none`.
  public func attack(for point: SweepPoint) throws -> AttackConfiguration? {
    guard point.attack != "none" else { return nil }
    var c = try AttackConfiguration.preset(named: point.attack)
    if let iterations = point.iterations { c.iterations = iterations }
    c.seed = point.seed
    return try c.validated()
  }

  /// The address without the `batch:` marker.
  func sampleAddress(_ point: SweepPoint) -> String {
    point.sample.hasPrefix(SampleExpansion.batchPrefix) ? String(point.sample.dropFirst(SampleExpansion.batchPrefix.count)) : point.sample
  }

  /// `WEIGHTS/MODEL-DATASET.safetensors`, which must exist.
  func trainedWeights(for point: SweepPoint) throws -> String {
    guard case .dataset(let name) = try SampleAddress(parsing: sampleAddress(point)).source else {
      throw ScenarioExecutorError("init trained needs a named data set (digits, mnist, …), not a sample file; give the weights file instead")
    }
    let path = "\(weightsDirectory)/\(point.model)-\(name).safetensors"
    guard FileManager.default.fileExists(atPath: path) else {
      throw ScenarioExecutorError("no trained weights at \(path) (run: i2f train --model \(point.model) --dataset \(name))")
    }
    return path
  }

  // MARK: - The numbers of one run (replace with ScenarioRun.numbers)

  public func numbers(for point: SweepPoint) throws -> [(String, JSONValue)] {
    let s = try scenario(for: point)
    let attackConfiguration = try attack(for: point)
    let victim = try s.victim(using: catalogue)
    let analysis = try LeakageAnalysis(victim)
    let delta = try s.delta(for: analysis)
    let r = try analysis.evaluate(delta: delta, ridge: s.ridge.epsilon(lambdaMax: analysis.lambdaMax), gaussianSigma: s.perturbation.gaussianSigma)
    var numbers: [(String, JSONValue)] = [
      ("label", victim.labels.count == 1 ? .integer(victim.labels[0]) : .array(victim.labels.map { .integer($0) })),
      ("dx", .integer(r.inputCount)), ("dtheta", .integer(r.parameterCount)),
      ("loss", .number(r.loss)), ("grad_norm", .number(r.gradientNorm)), ("delta_norm", .number(r.deltaNorm)),
      ("jdelta_norm", .number(r.jDeltaNorm)), ("lambda_max", .number(r.lambdaMax)), ("lambda_min", .number(r.lambdaMin)),
      ("rank", r.rank.map { .integer($0) } ?? .null), ("condition", .finite(r.condition)),
      ("i2f_norm", .number(r.i2fNorm)), ("i2f_ridge_norm", .number(r.i2fRidgeNorm)), ("ridge_epsilon", .number(r.ridge)),
      ("i2f_lb", .number(r.lowerBound)), ("i2f_ub", .finite(r.upperBound)), ("predicted_rmse", .number(r.predictedRMSE)),
      ("expected_rmse", .finite(r.expectedRMSE)), ("trace_inverse", .finite(r.traceOfInverse)),
      ("method", .string(r.method)), ("solver_iterations", .integer(r.iterations)), ("converged", .bool(r.converged)),
      ("analysis_seconds", .number(analysis.setupSeconds)),
    ]
    if case .dense(let gram) = analysis.spectrum {
      let k = min(3, gram.rank)
      numbers.append(("top_singular_values", .array(try (0..<k).map { .number(try analysis.singularValue(.top, $0 + 1)) })))
      numbers.append(("bottom_singular_values", .array(try (0..<k).map { .number(try analysis.singularValue(.bottom, $0 + 1)) })))
    }
    guard let attackConfiguration else { return numbers }

    let start = Date()
    let problem = AttackProblem(victim: victim, observedGradient: analysis.sharedGradient + delta, inferLabels: true)
    var stepper = try AttackStepper<Float>(problem: problem, configuration: attackConfiguration)
    stepper.run()
    let m = stepper.metrics()
    numbers += [
      ("rmse", .number(m.rmse)), ("psnr", .finite(m.psnr)), ("ssim", .number(m.ssim)), ("mse", .number(m.mse)),
      ("objective", .finite(stepper.state.bestObjective ?? stepper.objectiveValue)),
      ("label_inferred", .bool(problem.labelsWereInferred)), ("label_correct", .bool(problem.labelsAreCorrect)),
      ("iterations_done", .integer(stepper.iterationsDone)), ("evaluations", .integer(stepper.state.evaluations)),
      ("attack_seconds", .number(Date().timeIntervalSince(start))),
    ]
    return numbers
  }

  /// Large when the batch has more than ``largeInputCount`` inputs (3×32×32 photos, CIFAR-10).
  public func workload(of point: SweepPoint) -> SweepWorkload {
    guard let address = try? SampleAddress(parsing: sampleAddress(point)), case .dataset(let name) = address.source,
          let dataset = try? catalogue.dataset(named: name) else { return .small }
    let batch = address.items?.reduce(0) { n, item in
      if case .range(let r) = item { return n + r.count }
      return n + 1
    } ?? 1
    return dataset.imageSize * batch > Self.largeInputCount ? .large : .small
  }
}

/// A run the scenario executor cannot do (unsupported model, missing trained weights).
public struct ScenarioExecutorError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
