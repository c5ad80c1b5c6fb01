/// Why a compressed stream could not be decoded. The caller adds the file name.
public enum ZlibError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The stream is not valid deflate/zlib/gzip data (zlib's message).
  case corrupt(String)
  /// The stream ends before its end marker.
  case truncated
  /// The decompressed data would exceed the caller's limit (a decompression bomb, or the wrong file).
  case tooLarge(limit: Int)
  /// zlib itself failed (out of memory, version mismatch).
  case failed(code: Int32)

  public var description: String {
    switch self {
    case .corrupt(let message): return "corrupt compressed data (\(message))"
    case .truncated: return "compressed data ends early (truncated file)"
    case .tooLarge(let limit): return "decompresses to more than \(limit) bytes"
    case .failed(let code): return "zlib failed with code \(code)"
    }
  }
}
