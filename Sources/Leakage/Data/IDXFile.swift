import Foundation

/// An unsigned-byte IDX file (the MNIST format): big-endian header `00 00 08 rank`, `rank`
/// 32-bit extents, then the bytes. Raw or gzip-compressed, detected by the gzip magic number.
///
/// The header is validated against the file: magic, element type (only unsigned bytes), rank,
/// and that the extents account for exactly the bytes present.
public struct IDXFile: Sendable, Equatable {
  /// The extents from the header (`[N, 28, 28]` for MNIST images, `[N]` for labels).
  public let dimensions: [Int]
  /// The elements, row-major.
  public let bytes: [UInt8]

  /// The largest decompressed size accepted (MNIST's training images are 47 MB).
  public static let maxBytes = 1 << 30

  /// Reads `url`, which must hold an unsigned-byte IDX array of rank `expectedRank`.
  public init(contentsOf url: URL, expectedRank: Int) throws(DataError) {
    let raw: [UInt8]
    do {
      raw = try FileIO.readAll(url)
    } catch {
      throw .unreadable(file: error.file, reason: error.reason)
    }
    try self.init(fileBytes: raw, fileName: url.relativePath, expectedRank: expectedRank)
  }

  /// Parses the bytes of an IDX file (gzip-compressed or raw); `fileName` names it in errors.
  public init(fileBytes raw: [UInt8], fileName: String, expectedRank: Int) throws(DataError) {
    var bytes = raw
    if Zlib.isGzip(raw) {
      do {
        bytes = try Zlib.inflate(raw, format: .gzip, maxOutputBytes: Self.maxBytes)
      } catch {
        throw .malformed(file: fileName, problem: "gzip: \(error)")
      }
    }
    let kind = expectedRank == 1 ? "idx1-ubyte (labels)" : "idx\(expectedRank)-ubyte"
    guard bytes.count >= 4 else {
      throw .malformed(file: fileName, problem: "truncated: \(bytes.count) bytes, too short for an IDX header")
    }
    guard bytes[0] == 0, bytes[1] == 0 else {
      let magic = bytes[0..<4].map { String(format: "%02x", $0) }.joined(separator: " ")
      throw .malformed(file: fileName, problem: "bad magic \(magic): not an IDX file (expected \(kind), 00 00 08 0\(expectedRank))")
    }
    guard bytes[2] == 0x08 else {
      throw .malformed(file: fileName, problem: "IDX element type 0x\(String(format: "%02x", bytes[2])) is not unsigned bytes (0x08)")
    }
    let rank = Int(bytes[3])
    guard rank == expectedRank else {
      throw .malformed(file: fileName, problem: "IDX array of rank \(rank), expected \(expectedRank) (\(kind))")
    }
    let headerLength = 4 + 4 * rank
    guard bytes.count >= headerLength else {
      throw .malformed(file: fileName, problem: "truncated: \(bytes.count) bytes, the header needs \(headerLength)")
    }
    var dimensions: [Int] = []
    var count = 1
    for d in 0..<rank {
      let o = 4 + 4 * d
      let extent = Int(UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3]))
      dimensions.append(extent)
      count = count.multipliedReportingOverflow(by: extent).overflow ? Int.max : count * extent
    }
    let available = bytes.count - headerLength
    guard count == available else {
      let dims = dimensions.map(String.init).joined(separator: "×")
      let what = count > available ? "truncated" : "too long"
      throw .malformed(file: fileName, problem: "\(what): the header announces \(dims) = \(count) bytes of data but the file holds \(available)")
    }
    self.dimensions = dimensions
    self.bytes = Array(bytes[headerLength...])
  }
}
