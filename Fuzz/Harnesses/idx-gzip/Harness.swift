import FuzzDriver
import Leakage

/// gzip-compressed IDX files: inflating bounded by the header, concatenated members, corrupt
/// and truncated streams. The result must equal the raw reading of the decompressed bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  guard Zlib.isGzip(bytes) else { return 0 }
  for rank in [1, 3] {
    guard let file = try? IDXFile(fileBytes: bytes, fileName: "fuzz-idx.gz", expectedRank: rank) else { continue }
    fuzzRequire(file.bytes.count == file.dimensions.reduce(1, *), "element count does not match the header")
    let inflated = try? Zlib.inflate(bytes, format: .gzip, maxOutputBytes: IDXFile.maxBytes + 4 + 4 * 255)
    let raw = inflated.flatMap { try? IDXFile(fileBytes: $0, fileName: "fuzz-idx", expectedRank: rank) }
    fuzzRequire(raw == file, "gzip and raw readings differ")
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
