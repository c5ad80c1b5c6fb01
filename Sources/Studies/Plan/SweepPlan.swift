import Foundation
import Leakage

/// What a sweep runs: a list of values per field (samples, models, inits, seeds, noises, attacks,
/// iterations, …, see ``SweepField``); the sweep is every combination.
///
/// A plan file is a JSON object of lists keyed by ``SweepField/planKey`` (a single value may
/// stand for a one-element list), e.g.
/// `{"samples": ["digits:0-99"], "inits": ["uniform", "kaiming"], "noises": ["gaussian:1e-3", "prune:0.5"]}`.
/// Fields not given take their defaults; `i2f sweep --print-plan` writes the plan with them.
public struct SweepPlan: Sendable, Equatable {
  /// The most runs one plan may expand to.
  public static let pointLimit = 5_000_000

  /// The entries of each field the plan sets, by plan key, as written (validated).
  public private(set) var entries: [String: [JSONValue]] = [:]

  /// An empty plan: every field at its default, no samples.
  public init() {}

  /// A plan from a parsed plan file; errors name `file` and the field.
  public init(json: JSONValue, file: String) throws(SweepPlanError) {
    guard case .object(let members) = json else {
      throw .malformed(file: file, problem: "a plan is a JSON object of lists, e.g. {\"samples\": [\"digits:0-9\"]}")
    }
    for (key, value) in members {
      if case .array(let items) = value {
        try set(key, to: items, file: file)
      } else {
        try set(key, to: [value], file: file)
      }
    }
  }

  /// Reads a plan file (JSON).
  public static func read(_ path: String) throws -> SweepPlan {
    let bytes = try FileIO.readAll(URL(fileURLWithPath: path), maxBytes: JSONValue.maxDocumentBytes, kind: "a sweep plan")
    guard let text = String(validating: bytes, as: UTF8.self) else { throw SweepPlanError.malformed(file: path, problem: "not UTF-8 text") }
    return try SweepPlan(json: try JSONValue.parse(text, fileName: path), file: path)
  }

  /// Sets a field (by plan key) to `values`, replacing what the plan had; checks every value.
  public mutating func set(_ planKey: String, to values: [JSONValue], file: String? = nil) throws(SweepPlanError) {
    guard let field = SweepField.named(planKey) else {
      throw .unknownField(file: file, key: planKey, suggestion: Self.suggestion(for: planKey), known: SweepField.all.map(\.planKey))
    }
    guard !values.isEmpty else { throw .empty(field: planKey) }
    _ = try Self.count(values, of: field)
    entries[planKey] = values
  }

  /// Sets a field from a command-line comma list (`gaussian:1e-3,prune:0.5`). In `samples`, an
  /// item without a colon continues the previous address's list: `digits:0,5,mnist:3` is
  /// `digits:0,5` and `mnist:3`.
  public mutating func set(_ planKey: String, commandLine lists: [String]) throws(SweepPlanError) {
    var values: [String] = []
    for list in lists {
      for token in list.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
        let continues = planKey == "samples" && !token.contains(":") && !token.contains("/")
          && !token.lowercased().hasSuffix(".safetensors") && !values.isEmpty
        if continues { values[values.count - 1] += "," + token } else { values.append(token) }
      }
    }
    try set(planKey, to: values.map(JSONValue.string))
  }

  /// The entries of `field`: the plan's, else the defaults (nil for an unset optional field).
  public func values(of field: SweepField) -> [JSONValue]? { entries[field.planKey] ?? field.defaults }

  /// The plan as a plan file: every field that is set or has a default, in field order.
  public func json() -> JSONValue {
    .object(SweepField.all.compactMap { f in values(of: f).map { (f.planKey, .array($0)) } })
  }

  /// The plan file text: ``json()`` with one field per line.
  public func fileText() -> String {
    guard case .object(let members) = json() else { return "{}\n" }
    return "{\n" + members.map { "  " + JSONValue.string($0.key).rendered() + ": " + $0.value.rendered() }.joined(separator: ",\n") + "\n}\n"
  }

  /// The canonical values `entries` of `field` stand for, refused as soon as they exceed `limit`
  /// (so a plan of many long ranges cannot fill memory before it is refused).
  static func expand(_ entries: [JSONValue], of field: SweepField, limit: Int = pointLimit) throws(SweepPlanError) -> [JSONValue] {
    var expanded: [JSONValue] = []
    for e in entries {
      expanded += try field.expand(e)
      guard expanded.count <= limit else { throw .tooManyPoints(expanded.count, limit: limit) }
    }
    return expanded
  }

  /// How many values `entries` of `field` stand for, checked as ``expand(_:of:limit:)`` checks
  /// them, without building them.
  static func count(_ entries: [JSONValue], of field: SweepField, limit: Int = pointLimit) throws(SweepPlanError) -> Int {
    var total = 0
    for e in entries {
      total += try field.valueCount(e)
      guard total <= limit else { throw .tooManyPoints(total, limit: limit) }
    }
    return total
  }

  /// Each field's values as the runs vary them (fields the plan leaves out without a default
  /// are absent), in expansion order. The run count is checked first, before anything is built.
  func axes() throws(SweepPlanError) -> [(key: String, values: [JSONValue])] {
    _ = try runCount()
    var axes: [(key: String, values: [JSONValue])] = []
    for field in SweepField.all {
      if let entries = values(of: field) { axes.append((field.rowKey, try Self.expand(entries, of: field))) }
    }
    return axes
  }

  /// How many runs the plan stands for before duplicates are removed (cheaper than ``points()``:
  /// no value and no run is built).
  public func runCount() throws(SweepPlanError) -> Int {
    var total = 1
    for field in SweepField.all {
      guard let entries = values(of: field) else {
        if field.planKey == SweepField.samples.planKey { throw .missing(field: field.planKey) }
        continue
      }
      let (product, overflow) = total.multipliedReportingOverflow(by: try Self.count(entries, of: field))
      guard !overflow, product <= Self.pointLimit else { throw .tooManyPoints(overflow ? .max : product, limit: Self.pointLimit) }
      total = product
    }
    return total
  }

  /// Every run of the plan in a fixed order (the first field varies slowest), duplicates removed.
  public func points() throws(SweepPlanError) -> [SweepPoint] {
    let axes = try axes()
    let total = axes.reduce(1) { $0 * $1.values.count }
    var points: [SweepPoint] = []
    points.reserveCapacity(total)
    var seen: [String: String] = [:]
    var odometer = [Int](repeating: 0, count: axes.count)
    for _ in 0..<total {
      let point = SweepPoint(configuration: Self.normalised(axes.indices.map { (axes[$0].key, axes[$0].values[odometer[$0]]) }))
      if let other = seen[point.id] {
        guard other == point.canonicalJSON else { throw .idCollision(id: point.id, first: other, second: point.canonicalJSON) }
      } else {
        seen[point.id] = point.canonicalJSON
        points.append(point)
      }
      for a in axes.indices.reversed() {
        odometer[a] += 1
        if odometer[a] < axes[a].values.count { break }
        odometer[a] = 0
      }
    }
    return points
  }

  /// Drops fields that cannot matter for a run, so equal runs get equal ids: the iterations of
  /// `attack: none`.
  static func normalised(_ configuration: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
    guard configuration.contains(where: { $0.key == "attack" && $0.value == .string("none") }) else { return configuration }
    return configuration.filter { $0.key != SweepField.iterations.rowKey }
  }

  /// The plan key `key` was probably meant to be: the plural of a row key, or one within two edits.
  static func suggestion(for key: String) -> String? {
    if let f = SweepField.all.first(where: { $0.rowKey == key || $0.planKey == key.lowercased() }) { return f.planKey }
    let scored = SweepField.all.map { ($0.planKey, editDistance($0.planKey, key.lowercased())) }.min { $0.1 < $1.1 }
    return scored.flatMap { $0.1 <= 2 ? $0.0 : nil }
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let saved = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return row[b.count]
  }
}
