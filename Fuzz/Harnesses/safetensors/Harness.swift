import FuzzDriver
import Leakage

/// safetensors files: the header parser and every accessor, the data-set and sample readers built
/// on it, and the writer (what parses must serialise to a file that parses to the same tensors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let file = try? SafeTensors(bytes: fuzzInput(data, size), fileName: "fuzz.safetensors") else { return 0 }
  for name in file.names {
    _ = try? file.tensor(name, as: Double.self)
    _ = try? file.tensor(name, as: Float.self)
    _ = try? file.integers(name)
    _ = try? file.bytes(name)
  }
  _ = try? Dataset(file, name: "fuzz")
  _ = try? SampleFile.load(file, path: "fuzz.safetensors", items: nil)
  _ = try? SampleFile.load(file, path: "fuzz.safetensors", items: [.index(0), .range(1...2)])
  let again = try? SafeTensors(bytes: file.serialized(), fileName: "again")
  fuzzRequire(again?.tensors == file.tensors && again?.metadata == file.metadata, "a parsed file does not round-trip")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
