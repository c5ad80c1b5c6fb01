import FuzzDriver
import Leakage

/// PNG decoding (chunks, CRCs, filters, zlib); a decoded image must survive encode → decode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let image = try? PNGCodec.decode(fuzzInput(data, size), fileName: "fuzz.png") else { return 0 }
  let again = try? PNGCodec.decode(PNGCodec.encode(image), fileName: "again.png")
  fuzzRequire(again == image, "a decoded image does not round-trip through the encoder")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
