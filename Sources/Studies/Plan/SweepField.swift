import Foundation
import Leakage

/// One configuration field a sweep varies: its key in plan files (plural, a list) and in result
/// rows (singular), and how one plan entry becomes canonical values.
///
/// **Adding a field** is one `static let` here plus its place in ``all`` (and reading
/// `point[rowKey]` in the executor). A field without `defaults` is optional: it is absent from
/// points, rows and ids unless a plan gives it, so adding one keeps the ids of existing plans.
/// `i2f sweep --vary KEY=V1,V2` sets any field from the command line without a new option.
public struct SweepField: Sendable {
  /// The key in plan files (`noises`).
  public let planKey: String
  /// The key in points and result rows (`noise`).
  public let rowKey: String
  /// One line for help texts (`i2f sweep run --help` lists every field).
  public let summary: String
  /// Values when a plan does not give the field; nil for optional fields.
  public let defaults: [JSONValue]?
  /// The canonical values one entry stands for (a sample range stands for many).
  let expand: @Sendable (JSONValue) throws(SweepPlanError) -> [JSONValue]
  /// How many values one entry stands for, checked like `expand` but without building them; nil:
  /// count what `expand` builds (fields whose entries stand for one value each).
  var count: (@Sendable (JSONValue) throws(SweepPlanError) -> Int)? = nil

  /// How many values `entry` stands for (validating it as ``expand`` does).
  func valueCount(_ entry: JSONValue) throws(SweepPlanError) -> Int {
    if let count { return try count(entry) }
    return try expand(entry).count
  }

  /// Every field, in expansion order: the first varies slowest, so the runs of one sample finish
  /// together and a partial sweep is complete for its first samples.
  public static let all: [SweepField] = [
    samples, models, widths, normalizations, spaces, inits, seeds, noises, directionNorms, ridges, analysisMethods, attacks, iterations,
  ]

  /// The field with plan key `planKey`.
  public static func named(_ planKey: String) -> SweepField? { all.first { $0.planKey == planKey } }

  /// Row keys of every field (reserved: an executor's numbers may not use them).
  public static var rowKeys: [String] { all.map(\.rowKey) }

  // MARK: - The fields

  /// Sample addresses; ranges and lists mean one run per item, `batch:ADDRESS` one run on the batch.
  public static let samples = SweepField(
    planKey: "samples", rowKey: "sample",
    summary: "sample addresses; digits:0-199 and digits:0,5,9 mean one run per item, batch:digits:0-3 one run on the batch",
    defaults: nil, expand: { v throws(SweepPlanError) in try SampleExpansion.expand(try string(v, "samples")).map(JSONValue.string) },
    count: { v throws(SweepPlanError) in try SampleExpansion.count(try string(v, "samples")) })

  /// Architectures by name, or an ONNX file path.
  public static let models = SweepField(
    planKey: "models", rowKey: "model", summary: "architectures (\(Architecture.allCases.map(\.rawValue).joined(separator: ", "))) or .onnx paths",
    defaults: [.string("convnet5")],
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "models")
      if text.lowercased().hasSuffix(".onnx") { return [.string(text)] }
      guard let a = Architecture(rawValue: text.lowercased()) else {
        throw .invalidValue(field: "models", value: text, problem: "unknown model (use \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")) or an .onnx file)")
      }
      return [.string(a.rawValue)]
    })

  /// Hidden width of `mlp` (optional; the executor's default when absent).
  public static let widths = SweepField(
    planKey: "widths", rowKey: "width", summary: "hidden width of mlp (default 128)", defaults: nil,
    expand: { v throws(SweepPlanError) in try integers(v, "widths", minimum: 1).map(JSONValue.integer) },
    count: { v throws(SweepPlanError) in try integers(v, "widths", minimum: 1).count })

  /// The model's input normalisation, `MEAN:STD` or a preset (optional; none when absent).
  public static let normalizations = SweepField(
    planKey: "normalizations", rowKey: "normalize", summary: "input normalisation MEAN:STD or mnist, cifar10, imagenet (default none)",
    defaults: nil,
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "normalizations")
      do { return [.string(try InputNormalization(parsing: text).description)] } catch {
        throw .invalidValue(field: "normalizations", value: text, problem: "\(error)")
      }
    })

  /// The space the numbers are in (optional; pixel when absent).
  public static let spaces = SweepField(
    planKey: "spaces", rowKey: "space", summary: "space of J, I2F and RMSE: pixel or model (default pixel)", defaults: nil,
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "spaces").lowercased()
      guard InputSpace(rawValue: text) != nil else { throw .invalidValue(field: "spaces", value: text, problem: "use pixel or model") }
      return [.string(text)]
    })

  /// How the spectrum is computed (optional; auto when absent). Its row key is not `method`,
  /// which rows use for the path actually taken.
  public static let analysisMethods = SweepField(
    planKey: "analysis_methods", rowKey: "analysis_method", summary: "spectrum of J·Jᵀ: auto, dense, matrix-free, lower-bound (default auto)",
    defaults: nil,
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "analysis_methods").lowercased()
      guard AnalysisMethod(rawValue: text) != nil else {
        throw .invalidValue(field: "analysis_methods", value: text, problem: "use " + AnalysisMethod.allCases.map(\.rawValue).joined(separator: ", "))
      }
      return [.string(text)]
    })

  /// Initialisations, `trained` (the weights `i2f train` wrote for the model and data set), or weights files.
  public static let inits = SweepField(
    planKey: "inits", rowKey: "init",
    summary: "initialisations (\(Initializer.allCases.map(\.rawValue).joined(separator: ", "))), trained, or a safetensors weights file",
    defaults: [.string("uniform")],
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "inits")
      let lower = text.lowercased()
      if lower == "trained" || Initializer(rawValue: lower) != nil { return [.string(lower)] }
      guard lower.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: text) else {
        throw .invalidValue(field: "inits", value: text,
                            problem: "not an initialisation (\(Initializer.allCases.map(\.rawValue).joined(separator: ", ")), trained) nor a weights file")
      }
      return [.string(text)]
    })

  /// Seeds of everything random in a run: initialisation, noise draw, attack start.
  public static let seeds = SweepField(
    planKey: "seeds", rowKey: "seed", summary: "seeds of the initialisation, the noise draw and the attack's start (0-4 is a range)",
    defaults: [.integer(0)], expand: { v throws(SweepPlanError) in try integers(v, "seeds", minimum: 0).map(JSONValue.integer) },
    count: { v throws(SweepPlanError) in try integers(v, "seeds", minimum: 0).count })

  /// Perturbations of the shared gradient.
  public static let noises = SweepField(
    planKey: "noises", rowKey: "noise", summary: "perturbations: none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top|bottom:K",
    defaults: [.string("gaussian:1e-3")],
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "noises")
      do { _ = try Perturbation(parsing: text) } catch { throw .invalidValue(field: "noises", value: text, problem: "\(error)") }
      return [.string(CanonicalText.specification(text))]
    })

  /// ‖δ‖ of singular-direction perturbations (optional; 10% of ‖g0‖ when absent).
  public static let directionNorms = SweepField(
    planKey: "direction_norms", rowKey: "direction_norm", summary: "‖δ‖ of direction:… perturbations (default 10% of ‖g0‖)",
    defaults: nil,
    expand: { v throws(SweepPlanError) in
      let x = try number(v, "direction_norms")
      guard x >= 0 else { throw .invalidValue(field: "direction_norms", value: CanonicalText.number(x), problem: "must be ≥ 0") }
      return [.number(x)]
    })

  /// Ridge ε of the regularised I2F (optional; `1e-6x` when absent).
  public static let ridges = SweepField(
    planKey: "ridges", rowKey: "ridge", summary: "ridge ε: a number, or a multiple of λmax like 1e-6x (default 1e-6x)", defaults: nil,
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "ridges")
      do { _ = try Ridge(parsing: text) } catch { throw .invalidValue(field: "ridges", value: text, problem: "\(error)") }
      let relative = text.lowercased().hasSuffix("x")
      let value = CanonicalText.number(relative ? String(text.dropLast()) : text) ?? text
      return [.string(value + (relative ? "x" : ""))]
    })

  /// Attack presets, or `none` for the prediction only.
  public static let attacks = SweepField(
    planKey: "attacks", rowKey: "attack", summary: "attacks: \(AttackConfiguration.presets.map(\.preset).joined(separator: ", ")), none",
    defaults: [.string("none")],
    expand: { v throws(SweepPlanError) in
      let text = try string(v, "attacks").lowercased()
      guard text == "none" || AttackConfiguration.presets.contains(where: { $0.preset == text }) else {
        throw .invalidValue(field: "attacks", value: text, problem: "unknown attack (use \(AttackConfiguration.presets.map(\.preset).joined(separator: ", ")) or none)")
      }
      return [.string(text)]
    })

  /// Attack iterations (optional; the preset's when absent, and dropped for `attack: none`).
  public static let iterations = SweepField(
    planKey: "iterations", rowKey: "iterations", summary: "attack iterations (default: the preset's)", defaults: nil,
    expand: { v throws(SweepPlanError) in try integers(v, "iterations", minimum: 1).map(JSONValue.integer) },
    count: { v throws(SweepPlanError) in try integers(v, "iterations", minimum: 1).count })

  // MARK: - Value readers

  /// A string entry (numbers are accepted and written canonically).
  static func string(_ v: JSONValue, _ field: String) throws(SweepPlanError) -> String {
    switch v {
    case .string(let s):
      let t = s.trimmingCharacters(in: .whitespaces)
      guard !t.isEmpty else { throw .invalidValue(field: field, value: s, problem: "empty value") }
      return t
    case .integer(let i): return String(i)
    case .number(let x): return CanonicalText.number(x)
    default: throw .invalidValue(field: field, value: v.rendered(), problem: "expected a string, got \(kindName(v))")
    }
  }

  /// Integers from a number or a string `N` or `A-B` (inclusive).
  static func integers(_ v: JSONValue, _ field: String, minimum: Int) throws(SweepPlanError) -> ClosedRange<Int> {
    let values: ClosedRange<Int>
    switch v {
    case .integer(let i): values = i...i
    case .string(let s):
      let t = s.trimmingCharacters(in: .whitespaces)
      let ends = t.split(separator: "-", omittingEmptySubsequences: false)
      if ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]) {
        guard a <= b else { throw .invalidValue(field: field, value: s, problem: "the range ends before it starts") }
        guard b - a < SweepPlan.pointLimit else { throw .invalidValue(field: field, value: s, problem: "range too long") }
        values = a...b
      } else if let i = Int(t) {
        values = i...i
      } else {
        throw .invalidValue(field: field, value: s, problem: "expected an integer or a range A-B")
      }
    default: throw .invalidValue(field: field, value: v.rendered(), problem: "expected an integer, got \(kindName(v))")
    }
    guard values.lowerBound >= minimum else {
      throw .invalidValue(field: field, value: String(values.lowerBound), problem: "must be ≥ \(minimum)")
    }
    return values
  }

  /// A finite number from a number or a numeric string.
  static func number(_ v: JSONValue, _ field: String) throws(SweepPlanError) -> Double {
    if let x = v.doubleValue { return x }
    if case .string(let s) = v, let text = CanonicalText.number(s), let x = Double(text) { return x }
    throw .invalidValue(field: field, value: v.rendered(), problem: "expected a number")
  }

  static func kindName(_ v: JSONValue) -> String {
    switch v {
    case .null: "null"
    case .bool: "a boolean"
    case .integer, .number: "a number"
    case .string: "a string"
    case .array: "a list"
    case .object: "an object"
    }
  }
}
