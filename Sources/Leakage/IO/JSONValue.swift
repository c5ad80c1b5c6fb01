/// A JSON value: parsed from safetensors headers and configuration files, and built for command
/// output (objects keep their members in order, so output is stable).
///
/// Integers without a fraction or exponent stay exact (`.integer`), so tensor offsets and shapes
/// are never rounded through `Double`.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  /// Members in file order; duplicate keys are rejected by the parser.
  case object([(key: String, value: JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case let (.bool(a), .bool(b)): return a == b
    case let (.integer(a), .integer(b)): return a == b
    case let (.number(a), .number(b)): return a == b
    case let (.string(a), .string(b)): return a == b
    case let (.array(a), .array(b)): return a == b
    case let (.object(a), .object(b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  /// A short name of the value's kind, for error messages.
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .integer, .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// The value of `key` when this is an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// Parses a JSON array of strings (the encoding of name lists in tensor-file metadata).
  static func parseStringArray(_ text: String) -> [String]? {
    guard case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
    var strings: [String] = []
    for item in items {
      guard case .string(let s) = item else { return nil }
      strings.append(s)
    }
    return strings
  }

  /// A number, or null when it is missing or not finite (JSON has no NaN or infinity).
  public static func finite(_ x: Double?) -> JSONValue {
    guard let x, x.isFinite else { return .null }
    return .number(x)
  }

  /// Compact JSON text (numbers in Swift's shortest round-tripping form).
  public func rendered() -> String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .integer(let i): return String(i)
    case .number(let x):
      if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
      return x.isFinite ? "\(x)" : "null"
    case .string(let s): return JSONWriter.quoted(s)
    case .array(let items): return "[" + items.map { $0.rendered() }.joined(separator: ",") + "]"
    case .object(let members):
      return "{" + members.map { JSONWriter.quoted($0.key) + ":" + $0.value.rendered() }.joined(separator: ",") + "}"
    }
  }

  /// The largest JSON document ``parse(bytes:fileName:)`` accepts (configuration files and
  /// result lines are kilobytes; safetensors headers have their own limit).
  public static let maxDocumentBytes = 16 << 20
  /// The deepest nesting of arrays and objects accepted (the parser recurses once per level).
  public static let maxNestingDepth = JSONParser.defaultMaxDepth

  /// Parses JSON text; the error names `fileName` and the offset of the problem.
  public static func parse(_ text: String, fileName: String) throws(DataError) -> JSONValue {
    try parse(bytes: Array(text.utf8), fileName: fileName)
  }

  /// Parses a JSON document of at most ``maxDocumentBytes`` UTF-8 bytes nested at most
  /// ``maxNestingDepth`` deep; the error names `fileName` and the offset of the problem.
  public static func parse(bytes: [UInt8], fileName: String) throws(DataError) -> JSONValue {
    guard bytes.count <= maxDocumentBytes else {
      throw DataError.malformed(file: fileName, problem: "JSON document of \(bytes.count) bytes is larger than the \(maxDocumentBytes) accepted")
    }
    do {
      return try JSONParser.parse(bytes)
    } catch {
      throw DataError.malformed(file: fileName, problem: "invalid JSON: \(error)")
    }
  }

  /// The number, when this is one.
  public var doubleValue: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .number(let x): return x
    default: return nil
    }
  }

  /// The string, when this is one.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}
