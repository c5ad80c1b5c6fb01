import Testing

@testable import Leakage

@Suite("JSON parser for tensor-file headers")
struct JSONParserTests {
  static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

  @Test("values of every kind, integers exact")
  func values() throws {
    let value = try Self.parse(#"  {"a": [1, -2, 9007199254740993, 1.5, 2e3], "b": {"c": null, "d": true, "e": false}, "s": "x"}  "#)
    #expect(value["a"] == .array([.integer(1), .integer(-2), .integer(9_007_199_254_740_993), .number(1.5), .number(2000)]))
    #expect(value["b"]?["c"] == .null)
    #expect(value["b"]?["d"] == .bool(true))
    #expect(value["s"] == .string("x"))
  }

  @Test("string escapes, including surrogate pairs, and raw UTF-8")
  func strings() throws {
    #expect(try Self.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
    #expect(try Self.parse("\"é✓\"") == .string("é✓"))
  }

  @Test("invalid texts are rejected", arguments: [
    "", "{", "}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "+1", "1e", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "tru", "nul",
    "{\"a\":1}{", "\"unterminated", "[1 2]", "99999999999999999999", "1e999", "{\"k\":1,\"k\":2}",
  ])
  func invalid(text: String) {
    #expect(throws: JSONParseError.self) { try Self.parse(text) }
  }

  @Test("deep nesting is refused, not a stack overflow")
  func depth() {
    #expect(throws: JSONParseError.self) { try Self.parse(String(repeating: "[", count: 1_000_000)) }
    #expect(throws: Never.self) { try Self.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) }
  }

  @Test("the writer's escaping reads back to the same string")
  func writerRoundTrip() throws {
    let s = "quote \" backslash \\ nl \n cr \r tab \t bell \u{07} del \u{7F} é ✓ 😀"
    #expect(try Self.parse(JSONWriter.quoted(s)) == .string(s))
    #expect(JSONWriter.quoted("\u{01}") == "\"\\u0001\"")
    #expect(JSONValue.parseStringArray(JSONWriter.stringArray(["a", "b,c", "\""])) == ["a", "b,c", "\""])
  }
}
