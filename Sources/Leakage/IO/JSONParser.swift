/// Why a JSON text did not parse: the problem and its byte offset.
struct JSONParseError: Error, CustomStringConvertible {
  let message: String
  let offset: Int
  var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes with a nesting limit, so hostile headers cannot
/// exhaust the stack. Leading and trailing whitespace is allowed (safetensors pads with spaces).
struct JSONParser {
  private let bytes: [UInt8]
  private var position = 0
  private let maxDepth: Int

  private init(_ bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  /// The nesting limit unless the caller gives another.
  static let defaultMaxDepth = 64

  /// Parses one complete JSON text.
  static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes, maxDepth: maxDepth)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected data after the JSON value") }
    return value
  }

  private func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: position) }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
  }

  private mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
    let utf8 = Array(literal.utf8)
    guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
      throw error("invalid literal")
    }
    position += utf8.count
    return value
  }

  /// Parses the value at `position`; `depth` counts the arrays and objects around it, so at most
  /// `maxDepth` of them nest.
  private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard let c = current else { throw error("unexpected end of JSON") }
    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
      guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
    }
    switch c {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character '\(Character(Unicode.Scalar(c)))'")
    }
  }

  private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
    position += 1
    var members: [(key: String, value: JSONValue)] = []
    var keys = Set<String>()
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let keyOffset = position
      let key = try parseString()
      guard keys.insert(key).inserted else {
        throw JSONParseError(message: "duplicate key \"\(key)\"", offset: keyOffset)
      }
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
      } else if current == UInt8(ascii: "}") {
        position += 1
        return .object(members)
      } else {
        throw error("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    position += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
      } else if current == UInt8(ascii: "]") {
        position += 1
        return .array(items)
      } else {
        throw error("expected ',' or ']'")
      }
    }
  }

  private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[position]
      let digit: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw error("invalid \\u escape")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  private mutating func parseString() throws(JSONParseError) -> String {
    position += 1
    var utf8: [UInt8] = []
    while true {
      guard let c = current else { throw error("unterminated string") }
      position += 1
      switch c {
      case UInt8(ascii: "\""):
        guard let s = String(validating: utf8, as: UTF8.self) else { throw error("string is not valid UTF-8") }
        return s
      case UInt8(ascii: "\\"):
        guard let e = current else { throw error("unterminated escape") }
        position += 1
        switch e {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5C)
        case UInt8(ascii: "/"): utf8.append(0x2F)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800...0xDBFF).contains(code) {
            guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                  bytes[position + 1] == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
            position += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw error("unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("invalid code point") }
          utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw error("invalid escape")
        }
      case 0..<0x20:
        throw error("control character in string")
      default:
        utf8.append(c)
      }
    }
  }

  private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    guard isDigit(current) else { throw error("invalid number") }
    if current == UInt8(ascii: "0") {
      position += 1
      if isDigit(current) { throw error("leading zero in number") }
    } else {
      while isDigit(current) { position += 1 }
    }
    var isInteger = true
    if current == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard isDigit(current) else { throw error("invalid number") }
      while isDigit(current) { position += 1 }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      isInteger = false
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard isDigit(current) else { throw error("invalid number") }
      while isDigit(current) { position += 1 }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger {
      guard let value = Int(text) else {
        throw JSONParseError(message: "integer \(text.prefix(40)) does not fit in 64 bits", offset: start)
      }
      return .integer(value)
    }
    guard let value = Double(text), value.isFinite else {
      throw JSONParseError(message: "number \(text.prefix(40)) out of range", offset: start)
    }
    return .number(value)
  }
}
