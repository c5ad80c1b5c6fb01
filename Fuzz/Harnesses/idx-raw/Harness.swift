import FuzzDriver
import Leakage

/// Uncompressed IDX files (gzip inputs are the idx-gzip harness's).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  guard !Zlib.isGzip(bytes) else { return 0 }
  // The rank the header claims, so inputs get past the rank check (MNIST uses 1 and 3).
  let rank = bytes.count >= 4 ? Int(bytes[3]) : 3
  if let file = try? IDXFile(fileBytes: bytes, fileName: "fuzz-idx", expectedRank: rank) {
    fuzzRequire(file.bytes.count == file.dimensions.reduce(1, *), "element count does not match the header")
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
