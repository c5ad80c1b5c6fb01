import Foundation

/// An unsigned-byte IDX file (the MNIST format): big-endian header `00 00 08 rank`, `rank`
/// 32-bit extents, then the bytes. Raw or gzip-compressed, detected by the gzip magic number.
///
/// The header is validated against the file: magic, element type (only unsigned bytes), rank,
/// and that the extents account for exactly the bytes present. A compressed file is inflated
/// only as far as its header announces: decoding stops as soon as the output passes that size, so
/// a decompression bomb costs no more memory than an honest file of the announced size.
public struct IDXFile: Sendable, Equatable {
  /// The extents from the header (`[N, 28, 28]` for MNIST images, `[N]` for labels).
  public let dimensions: [Int]
  /// The elements, row-major.
  public let bytes: [UInt8]

  /// The largest data size accepted, raw or decompressed (MNIST's training images are 47 MB).
  public static let maxBytes = 1 << 30

  /// Reads `url`, which must hold an unsigned-byte IDX array of rank `expectedRank`.
  public init(contentsOf url: URL, expectedRank: Int) throws(DataError) {
    let raw: [UInt8]
    do {
      raw = try FileIO.readAll(url, maxBytes: Self.maxBytes, kind: "an IDX file")
    } catch {
      throw .unreadable(file: error.file, reason: error.reason)
    }
    try self.init(fileBytes: raw, fileName: url.relativePath, expectedRank: expectedRank)
  }

  /// Parses the bytes of an IDX file (gzip-compressed or raw); `fileName` names it in errors.
  public init(fileBytes raw: [UInt8], fileName: String, expectedRank: Int) throws(DataError) {
    let compressed = Zlib.isGzip(raw)
    // The header (at most 4 + 4·255 bytes), decompressed on its own first when needed.
    var head = raw
    if compressed {
      do {
        head = try Zlib.inflatePrefix(raw, format: .gzip, count: 4 + 4 * 255)
      } catch {
        throw .malformed(file: fileName, problem: "gzip: \(error)")
      }
    }
    let header = try Self.header(head, fileName: fileName, expectedRank: expectedRank)
    let dims = header.dimensions.map(String.init).joined(separator: "×")
    // `A×B×C` bytes when the product overflows.
    let announced = header.count.map { "\(dims) = \($0) bytes" } ?? "\(dims) bytes"
    var bytes = raw
    if compressed {
      // Inflate no further than the header announces (one byte more proves the file too long).
      guard let count = header.count, count <= Self.maxBytes else {
        throw .malformed(file: fileName, problem: "the header announces \(announced) of data, more than the \(Self.maxBytes) accepted")
      }
      do {
        bytes = try Zlib.inflate(raw, format: .gzip, maxOutputBytes: header.length + count)
      } catch .tooLarge {
        throw .malformed(file: fileName, problem: "too long: the header announces \(announced) of data but the file decompresses to more")
      } catch {
        throw .malformed(file: fileName, problem: "gzip: \(error)")
      }
    }
    let available = bytes.count - header.length
    guard header.count == available else {
      let what = (header.count ?? Int.max) > available ? "truncated" : "too long"
      throw .malformed(file: fileName, problem: "\(what): the header announces \(announced) of data but the file holds \(available)")
    }
    dimensions = header.dimensions
    self.bytes = Array(bytes[header.length...])
  }

  /// The extents, the element count (nil when it overflows) and the header length, from the
  /// first bytes of a (decompressed) file.
  private static func header(_ bytes: [UInt8], fileName: String, expectedRank: Int) throws(DataError)
    -> (dimensions: [Int], count: Int?, length: Int)
  {
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
    let length = 4 + 4 * rank
    guard bytes.count >= length else {
      throw .malformed(file: fileName, problem: "truncated: \(bytes.count) bytes, the header needs \(length)")
    }
    var dimensions: [Int] = []
    var count: Int? = 1
    for d in 0..<rank {
      let o = 4 + 4 * d
      let extent = Int(UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3]))
      dimensions.append(extent)
      count = count.flatMap { c in
        let (product, overflow) = c.multipliedReportingOverflow(by: extent)
        return overflow ? nil : product
      }
    }
    return (dimensions, count, length)
  }
}
