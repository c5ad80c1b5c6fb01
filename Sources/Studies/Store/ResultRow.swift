import Foundation
import Leakage

/// One line of a result file: the configuration of one run, the numbers it produced (or an
/// `error`), and where and when it ran.
///
/// Key order: `id`, the configuration (``SweepField`` row keys), the numbers, `error` when the run
/// failed, then the provenance keys `i2f_version`, `host`, `finished_at`. Readers take the **last
/// row per id** in a file (a retried run supersedes its error row).
public struct ResultRow: Sendable, Equatable {
  /// Members in file order.
  public let members: [(key: String, value: JSONValue)]
  /// The point's id.
  public let id: String

  /// Keys that say where and when a run happened; they never make two rows differ.
  public static let provenanceKeys = ["i2f_version", "host", "finished_at"]
  /// Keys the sweep itself writes; an executor's numbers may not use them (nor the configuration's).
  public static let reservedKeys = ["id", "error"] + provenanceKeys

  /// A row from its members; nil unless it is an object with a string `id`.
  public init?(_ value: JSONValue) {
    guard case .object(let members) = value, case .string(let id)? = value["id"], !id.isEmpty else { return nil }
    self.members = members
    self.id = id
  }

  init(id: String, members: [(key: String, value: JSONValue)]) {
    self.id = id
    self.members = members
  }

  public subscript(key: String) -> JSONValue? { members.first { $0.key == key }?.value }

  /// The error of a failed run (one line), nil for a run that produced its numbers.
  public var error: String? { self["error"]?.stringValue }

  /// A finite number stored under `key` (booleans count as 0 and 1), else nil.
  public func number(_ key: String) -> Double? {
    switch self[key] {
    case .integer(let i)?: Double(i)
    case .number(let x)?: x.isFinite ? x : nil
    case .bool(let b)?: b ? 1 : 0
    default: nil
    }
  }

  /// The value of `key` as text for grouping and tables: strings as they are, numbers and other
  /// values as compact JSON, a missing key as `—`.
  public func text(_ key: String) -> String {
    guard let v = self[key] else { return "—" }
    return v.stringValue ?? v.rendered()
  }

  /// The row as one line of compact JSON, without the newline.
  public var line: String { JSONValue.object(members).rendered() }

  /// Whether a key is provenance or a wall time (`seconds`, `…_seconds`), which differ between
  /// two executions of the same run.
  public static func isVolatile(_ key: String) -> Bool {
    provenanceKeys.contains(key) || key == "seconds" || key.hasSuffix("_seconds")
  }

  /// Same id and same values for every key except the volatile ones (numbers compared as
  /// rendered, so 2 and 2.0 are equal).
  public func sameResult(as other: ResultRow) -> Bool {
    func table(_ r: ResultRow) -> [String: String] {
      Dictionary(r.members.filter { !Self.isVolatile($0.key) }.map { ($0.key, $0.value.rendered()) }, uniquingKeysWith: { a, _ in a })
    }
    return id == other.id && table(self) == table(other)
  }

  /// Equal when they are the same line of JSON (so 2 and 2.0 are equal, as after a round trip).
  public static func == (lhs: ResultRow, rhs: ResultRow) -> Bool { lhs.line == rhs.line }

  /// The row of one run: the point's configuration, then the numbers the executor returned, then
  /// `error` (from `failure`, or from a problem with the numbers), then the provenance.
  ///
  /// Numbers are checked, since a row must be trustworthy on its own: keys must be snake_case and
  /// not reserved (``reservedKeys``, the configuration's keys), and values must be finite (NaN and
  /// infinity are written as null and make the row an error row naming the key).
  public static func make(point: SweepPoint, numbers: [(String, JSONValue)], failure: String?, provenance: RunProvenance) -> ResultRow {
    var members: [(key: String, value: JSONValue)] = [("id", .string(point.id))] + point.configuration
    var problems: [String] = []
    var used = Set(members.map(\.key))
    for (key, value) in numbers {
      guard isSnakeCase(key) else { problems.append("the executor returned a key that is not snake_case: '\(key)'"); continue }
      guard !reservedKeys.contains(key), !SweepField.rowKeys.contains(key) else {
        problems.append("the executor returned the reserved key '\(key)'")
        continue
      }
      guard used.insert(key).inserted else { problems.append("the executor returned '\(key)' twice"); continue }
      let (clean, nonFinite) = finite(value)
      if nonFinite { problems.append("\(key) is not a finite number") }
      members.append((key, clean))
    }
    if let failure { problems.insert(failure, at: 0) }
    if !problems.isEmpty { members.append(("error", .string(oneLine(problems.joined(separator: "; "))))) }
    members += provenance.members
    return ResultRow(id: point.id, members: members)
  }

  /// `value` with every non-finite number replaced by null, and whether there was one.
  static func finite(_ value: JSONValue) -> (JSONValue, Bool) {
    switch value {
    case .number(let x) where !x.isFinite: return (.null, true)
    case .array(let items):
      let cleaned = items.map(finite)
      return (.array(cleaned.map(\.0)), cleaned.contains { $0.1 })
    case .object(let members):
      let cleaned = members.map { ($0.key, finite($0.value)) }
      return (.object(cleaned.map { ($0.0, $0.1.0) }), cleaned.contains { $0.1.1 })
    default: return (value, false)
    }
  }

  static func isSnakeCase(_ key: String) -> Bool {
    guard let first = key.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
    return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
  }

  /// An error message on one line, at most 1,000 characters.
  public static func oneLine(_ text: String) -> String {
    let flat = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
    return flat.count > 1000 ? String(flat.prefix(999)) + "…" : flat
  }
}

/// Where and when a run happened: written at the end of each row.
public struct RunProvenance: Sendable, Equatable {
  /// The i2f version (recorded, never part of the id).
  public var version: String
  /// The machine's host name.
  public var host: String
  /// When the run finished (UTC, ISO 8601, seconds).
  public var finishedAt: Date

  public init(version: String, host: String = RunProvenance.localHost, finishedAt: Date = Date()) {
    self.version = version
    self.host = host
    self.finishedAt = finishedAt
  }

  /// This machine's name (`gethostname`, no DNS lookup).
  public static let localHost: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()

  var members: [(key: String, value: JSONValue)] {
    [("i2f_version", .string(version)), ("host", .string(host)), ("finished_at", .string(Self.format(finishedAt)))]
  }

  static func format(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: date)
  }
}
