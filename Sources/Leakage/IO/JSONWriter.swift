/// Compact JSON output with the escaping Python's `json.dumps(ensure_ascii=False)` uses, so files
/// written here and by the sample-building script are byte-identical.
enum JSONWriter {
  /// `s` as a quoted, escaped JSON string.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A JSON array of strings, with Python's default `", "` separator (as `json.dumps(list)`).
  static func stringArray(_ items: [String]) -> String {
    "[" + items.map(quoted).joined(separator: ", ") + "]"
  }
}
