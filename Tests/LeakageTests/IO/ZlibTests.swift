import Testing

@testable import Leakage

@Suite("zlib and gzip through the system library")
struct ZlibTests {
  static let text = Array(String(repeating: "gradient leakage ", count: 500).utf8) + (0...255).map(UInt8.init)

  @Test("gzip and zlib round trips", arguments: [Zlib.Format.gzip, .zlib])
  func roundTrip(format: Zlib.Format) throws {
    let packed = try Zlib.deflate(Self.text, format: format)
    #expect(packed.count < Self.text.count)
    #expect(Zlib.isGzip(packed) == (format == .gzip))
    #expect(try Zlib.inflate(packed, format: format, maxOutputBytes: 1 << 20) == Self.text)
    #expect(try Zlib.inflate(Zlib.deflate([], format: format), format: format, maxOutputBytes: 10) == [])
  }

  @Test("concatenated gzip members decode as one stream")
  func multiMember() throws {
    let a = try Zlib.deflate(Array("first ".utf8), format: .gzip)
    let b = try Zlib.deflate(Array("second".utf8), format: .gzip)
    #expect(try Zlib.inflate(a + b, format: .gzip, maxOutputBytes: 100) == Array("first second".utf8))
  }

  @Test("truncated, corrupt and oversized streams give errors")
  func errors() throws {
    let packed = try Zlib.deflate(Self.text, format: .gzip)
    #expect(throws: ZlibError.truncated) { try Zlib.inflate(Array(packed.prefix(packed.count / 2)), format: .gzip, maxOutputBytes: 1 << 20) }
    #expect(throws: ZlibError.truncated) { try Zlib.inflate([], format: .gzip, maxOutputBytes: 1 << 20) }
    var corrupt = packed
    corrupt[12] ^= 0xFF
    corrupt[13] ^= 0xFF
    #expect(throws: ZlibError.self) { try Zlib.inflate(corrupt, format: .gzip, maxOutputBytes: 1 << 20) }
    #expect(throws: ZlibError.tooLarge(limit: 100)) { try Zlib.inflate(packed, format: .gzip, maxOutputBytes: 100) }
    // A gzip bomb: a megabyte of zeros squeezed into about a kilobyte.
    let bomb = try Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), format: .gzip)
    #expect(throws: ZlibError.tooLarge(limit: 4096)) { try Zlib.inflate(bomb, format: .gzip, maxOutputBytes: 4096) }
  }

  @Test("CRC-32 of the standard check string")
  func crc() {
    #expect(Zlib.crc32(ArraySlice("123456789".utf8)) == 0xCBF4_3926)
    #expect(Zlib.crc32(ArraySlice("6789".utf8), continuing: Zlib.crc32(ArraySlice("12345".utf8))) == 0xCBF4_3926)
  }
}
