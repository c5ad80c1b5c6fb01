import Leakage

/// One run of a sweep: a full configuration and its stable id.
///
/// **Id scheme** (stable across i2f versions): the configuration's fields that are set, as a JSON
/// object with keys sorted by their UTF-8 bytes, compact (no spaces), canonical values (see
/// ``SweepField``); the id is the 64-bit FNV-1a hash of those UTF-8 bytes as 16 lowercase hex
/// digits. Optional fields that are not set are left out, so a new optional field does not change
/// old ids; the i2f version is recorded in each row but is not part of the id.
public struct SweepPoint: Sendable, Equatable, Identifiable, CustomStringConvertible {
  /// 16 hex digits: FNV-1a 64 of ``canonicalJSON``.
  public let id: String
  /// The fields that are set, in ``SweepField/all`` order, by row key.
  public let configuration: [(key: String, value: JSONValue)]

  /// A point from its fields (row keys and canonical values); computes the id.
  public init(configuration: [(key: String, value: JSONValue)]) {
    self.configuration = configuration
    id = Self.hash(Self.canonicalJSON(configuration))
  }

  /// The text the id hashes: sorted keys, compact.
  public var canonicalJSON: String { Self.canonicalJSON(configuration) }

  /// The value of a field by row key (`noise`), or nil when it is not set.
  public subscript(key: String) -> JSONValue? { configuration.first { $0.key == key }?.value }

  /// The sample address (one item, or `batch:ADDRESS`).
  public var sample: String { self["sample"]?.stringValue ?? "" }
  public var model: String { self["model"]?.stringValue ?? "" }
  /// The initialisation name, `trained`, or a weights file path.
  public var initialization: String { self["init"]?.stringValue ?? "" }
  public var seed: UInt64 { self["seed"]?.doubleValue.map { UInt64($0) } ?? 0 }
  /// The perturbation specification (`gaussian:0.001`).
  public var noise: String { self["noise"]?.stringValue ?? "none" }
  /// The attack preset or `none`.
  public var attack: String { self["attack"]?.stringValue ?? "none" }
  /// The attack's iterations, when the plan overrides the preset's.
  public var iterations: Int? { self["iterations"]?.doubleValue.map { Int($0) } }

  /// `id sample model init …`, for messages.
  public var description: String {
    "\(id) " + configuration.map { "\($0.key)=\($0.value.stringValue ?? $0.value.rendered())" }.joined(separator: " ")
  }

  public static func == (lhs: SweepPoint, rhs: SweepPoint) -> Bool {
    lhs.id == rhs.id && JSONValue.object(lhs.configuration) == JSONValue.object(rhs.configuration)
  }

  static func canonicalJSON(_ configuration: [(key: String, value: JSONValue)]) -> String {
    JSONValue.object(configuration.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }).rendered()
  }

  /// FNV-1a, 64 bits, as 16 lowercase hex digits.
  static func hash(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      h ^= UInt64(byte)
      h = h &* 0x0000_0100_0000_01b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
