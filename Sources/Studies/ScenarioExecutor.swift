import Autodiff
import Foundation
import Leakage

/// Runs one sweep point for real through the scenario pipeline (``ScenarioRun``): I2F, its bounds
/// and, unless the attack is `none`, the attack on the perturbed gradient.
///
/// Row numbers are exactly the fields `i2f bound --json` and `i2f attack --json` print, less those
/// that repeat the point's configuration (`sample`, `model`, `ridge`, …, which the row already
/// holds with the same values).
public struct ScenarioExecutor: SweepExecutor {
  /// Resolves sample addresses (shared cache, thread-safe).
  public let catalogue: SampleCatalogue
  /// Hidden width of `mlp` when the plan has no `widths`.
  public static let defaultWidth = 128
  /// Inputs (pixels × batch) above which a run is ``SweepWorkload/large``.
  public static let largeInputCount = 1024
  /// Spectra shared by the runs that differ only in their perturbation or attack (the plan's
  /// innermost fields; ``group(of:)`` tells the runner). Room for two groups per worker at the
  /// default two jobs.
  public let analyses = ScenarioAnalysisCache(capacity: 4)

  public init(catalogue: SampleCatalogue) {
    self.catalogue = catalogue
  }

  // MARK: - Point → scenario

  /// The scenario a point describes.
  public func scenario(for point: SweepPoint) throws -> Scenario { try Self.scenario(for: point) }

  /// The scenario a point describes (it needs no catalogue: the explorer opens result rows with it).
  public static func scenario(for point: SweepPoint) throws -> Scenario {
    var s = Scenario()
    s.model = try ModelSource(parsing: point.model)
    s.hiddenWidth = point["width"]?.doubleValue.map { Int($0) } ?? defaultWidth
    s.sample = sampleAddress(point)
    s.weights = try WeightSource(parsing: point.initialization, seed: point.seed)
    s.perturbation = try Perturbation(parsing: point.noise)
    s.noiseSeed = point.seed
    s.directionNorm = point["direction_norm"]?.doubleValue
    if let ridge = point["ridge"]?.stringValue { s.ridge = try Ridge(parsing: ridge) }
    if let text = point["normalize"]?.stringValue { s.normalization = try InputNormalization(parsing: text) }
    if let text = point["space"]?.stringValue, let space = InputSpace(rawValue: text) { s.space = space }
    if let text = point["analysis_method"]?.stringValue, let method = AnalysisMethod(rawValue: text) { s.method = method }
    return s
  }

  /// The attack a point asks for, or nil for `none`.
  public func attack(for point: SweepPoint) throws -> AttackConfiguration? { try Self.attack(for: point) }

  /// The attack a point asks for, or nil for `none`.
  public static func attack(for point: SweepPoint) throws -> AttackConfiguration? {
    guard point.attack != "none" else { return nil }
    var c = try AttackConfiguration.preset(named: point.attack)
    if let iterations = point.iterations { c.iterations = iterations }
    c.seed = point.seed
    return try c.validated()
  }

  /// The address without the `batch:` marker.
  static func sampleAddress(_ point: SweepPoint) -> String {
    point.sample.hasPrefix(SampleExpansion.batchPrefix) ? String(point.sample.dropFirst(SampleExpansion.batchPrefix.count)) : point.sample
  }

  // MARK: - The numbers of one run

  public func numbers(for point: SweepPoint) throws -> [(String, JSONValue)] {
    let attackConfiguration = try attack(for: point)
    var run = try ScenarioRun(try scenario(for: point), catalogue: catalogue, analyses: analyses)
    if let attackConfiguration {
      try run.runAttack(attackConfiguration)
      if let a = run.attack, a.status == .diverged {
        throw ScenarioExecutorError("the attack diverged at iteration \(a.iterations) (objective \(a.objective))")
      }
    }
    let configuration = Set(SweepField.rowKeys)
    var numbers = run.fields().filter { !configuration.contains($0.0) }
    if case .dense(let gram) = run.analysis.spectrum {
      let k = min(3, gram.rank)
      numbers.append(("top_singular_values", .array(try (0..<k).map { .number(try run.analysis.singularValue(.top, $0 + 1)) })))
      numbers.append(("bottom_singular_values", .array(try (0..<k).map { .number(try run.analysis.singularValue(.bottom, $0 + 1)) })))
    }
    return numbers
  }

  /// The runs sharing an analysis: ``ScenarioAnalysisCache/key(_:)`` of the point's scenario.
  public func group(of point: SweepPoint) -> AnyHashable? {
    (try? scenario(for: point)).map { AnyHashable(ScenarioAnalysisCache.key($0)) }
  }

  /// Large when the batch has more than ``largeInputCount`` inputs (3×32×32 photos, CIFAR-10).
  public func workload(of point: SweepPoint) -> SweepWorkload {
    guard let address = try? SampleAddress(parsing: Self.sampleAddress(point)), case .dataset(let name) = address.source,
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
