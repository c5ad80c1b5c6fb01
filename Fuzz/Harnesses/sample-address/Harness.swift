import FuzzDriver
import Leakage

/// Sample addresses (`digits:0-3`, `photos:chelsea`, `dir/x.safetensors:2`); an accepted address
/// must parse back from its canonical text to the same address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
  guard let address = try? SampleAddress(parsing: text) else { return 0 }
  let again = try? SampleAddress(parsing: address.description)
  fuzzRequire(again == address, "\"\(text)\" → \"\(address)\" does not parse back to the same address")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
