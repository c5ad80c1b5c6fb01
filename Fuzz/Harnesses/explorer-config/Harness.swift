import Explorer
import Foundation
import FuzzDriver
import Leakage

/// The explorer's `view.json` (`i2f explore --config FILE`): JSON decoded into the configuration
/// types; what decodes must encode to JSON that decodes and encodes to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let config = try? ExplorerConfiguration.decode(fuzzInput(data, size), fileName: "view.json") else { return 0 }
  guard let json = try? config.json(numbers: [:]) else { return 0 }
  let again = try? ExplorerConfiguration.decode([UInt8](json), fileName: "again.json")
  let json2 = try? again?.json(numbers: [:])
  fuzzRequire(json2 == json, "an accepted configuration does not round-trip")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
