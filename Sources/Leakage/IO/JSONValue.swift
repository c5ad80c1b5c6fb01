/// A parsed JSON value, as the safetensors header and the sample metadata need it.
///
/// Integers without a fraction or exponent stay exact (`.integer`), so tensor offsets and shapes
/// are never rounded through `Double`.
enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  /// Members in file order; duplicate keys are rejected by the parser.
  case object([(key: String, value: JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
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
  subscript(key: String) -> JSONValue? {
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
}
