import FuzzDriver
import Leakage

/// i2f's JSON parser (safetensors headers, configuration files, metadata lists); what parses must
/// render to text that parses to a value rendering the same way.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let value = try? JSONValue.parse(bytes: fuzzInput(data, size), fileName: "fuzz.json") else { return 0 }
  let text = value.rendered()
  let again = try? JSONValue.parse(text, fileName: "rendered")
  fuzzRequire(again?.rendered() == text, "rendered JSON does not parse back to the same text: \(text.prefix(200))")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
