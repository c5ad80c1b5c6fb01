import FuzzDriver
import Leakage

/// Perturbation specifications (`gaussian:1e-3`, `dp:1:0.5`, `direction:bottom:2`, `file:d.safetensors`);
/// the description of an accepted one must parse to a perturbation with the same description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
  guard let perturbation = try? Perturbation(parsing: text) else { return 0 }
  _ = perturbation.label
  let again = try? Perturbation(parsing: perturbation.description)
  fuzzRequire(again?.description == perturbation.description, "\"\(text)\" → \"\(perturbation)\" does not parse back")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
