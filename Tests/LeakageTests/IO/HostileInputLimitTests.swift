import Foundation
import Testing

@testable import Leakage

#if canImport(Glibc)
import Glibc
#endif

/// The limits a hostile file cannot get around: each is checked before the memory it would cost
/// is allocated, and each failure is one line naming the file.
@Suite("Hostile-input limits")
struct HostileInputLimitTests {
  /// Peak resident memory of this process so far, in bytes.
  static func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
  }

  /// A gzip file whose IDX header announces 10,000 28×28 images (7.8 MB) but which inflates to
  /// 1 GiB + 1 MiB: 1,025 gzip members of 1 MiB each, about a megabyte in all.
  static func idxBomb() throws -> [UInt8] {
    let header = IDXFixtures.idx([10_000, 28, 28], [])
    let first = try Zlib.deflate(header + [UInt8](repeating: 0, count: (1 << 20) - header.count), format: .gzip)
    let zeros = try Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), format: .gzip)
    var bomb = first
    bomb.reserveCapacity(first.count + 1024 * zeros.count)
    for _ in 0..<1024 { bomb += zeros }
    return bomb
  }

  @Test("a gzip bomb is refused once the output passes what the IDX header announces")
  func idxGzipBomb() throws {
    let bomb = try Self.idxBomb()
    #expect(bomb.count < 2 << 20)
    let before = Self.peakResidentBytes()
    let error = #expect(throws: DataError.self) { try IDXFile(fileBytes: bomb, fileName: "bomb-idx3-ubyte.gz", expectedRank: 3) }
    let grown = Self.peakResidentBytes() - before
    // Inflating the whole bomb, or up to the reader's 1 GiB ceiling, would need a gigabyte.
    #expect(grown < 256 << 20, "peak memory grew by \(grown >> 20) MiB")
    let message = error?.description ?? ""
    #expect(message.hasPrefix("bomb-idx3-ubyte.gz: too long: the header announces 10000×28×28 = 7840000 bytes"), "\(message)")
    #expect(message.contains("decompresses to more"))
    // The same stream inflates in full when asked to: the bomb is real.
    #expect(throws: ZlibError.tooLarge(limit: IDXFile.maxBytes)) {
      try Zlib.inflate(bomb, format: .gzip, maxOutputBytes: IDXFile.maxBytes)
    }
  }

  @Test("inflating stops one byte past the limit; a prefix stops at its length")
  func inflateStopsAtTheLimit() throws {
    let packed = try Zlib.deflate([UInt8](repeating: 7, count: 1 << 20), format: .gzip)
    #expect(throws: ZlibError.tooLarge(limit: 1000)) { try Zlib.inflate(packed, format: .gzip, maxOutputBytes: 1000) }
    #expect(try Zlib.inflatePrefix(packed, format: .gzip, count: 1000) == [UInt8](repeating: 7, count: 1000))
    #expect(try Zlib.inflatePrefix(packed, format: .gzip, count: 2 << 20).count == 1 << 20)
    #expect(try Zlib.inflate(packed, format: .gzip, maxOutputBytes: 1 << 20).count == 1 << 20)
  }

  @Test("an IDX header announcing more than the reader accepts is refused before inflating")
  func idxAnnouncesTooMuch() throws {
    let tiny = try Zlib.deflate(IDXFixtures.idx([65_536, 128, 256], [1, 2, 3]), format: .gzip)
    let error = #expect(throws: DataError.self) { try IDXFile(fileBytes: tiny, fileName: "huge.gz", expectedRank: 3) }
    #expect(error?.description == "huge.gz: the header announces 65536×128×256 = 2147483648 bytes of data, more than the 1073741824 accepted")
    let overflow = try Zlib.deflate(IDXFixtures.idx([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], []), format: .gzip)
    let e2 = #expect(throws: DataError.self) { try IDXFile(fileBytes: overflow, fileName: "overflow.gz", expectedRank: 3) }
    #expect(e2?.description.hasPrefix("overflow.gz: the header announces 4294967295×4294967295×4294967295 bytes of data, more than") == true)
  }

  /// PNG bytes with one IHDR of `width` × `height` (8-bit gray) and an empty IDAT.
  static func png(width: UInt32, height: UInt32, extraIHDR: Bool = false) -> [UInt8] {
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let body = Array(type.utf8) + data
      return withUnsafeBytes(of: UInt32(data.count).bigEndian, Array.init) + body
        + withUnsafeBytes(of: Zlib.crc32(body[...]).bigEndian, Array.init)
    }
    let ihdr = withUnsafeBytes(of: width.bigEndian, Array.init) + withUnsafeBytes(of: height.bigEndian, Array.init) + [8, 0, 0, 0, 0]
    return PNGCodec.signature + chunk("IHDR", ihdr) + (extraIHDR ? chunk("IHDR", ihdr) : []) + chunk("IDAT", [0x78, 0x01])
      + chunk("IEND", [])
  }

  @Test("PNG dimensions are bounded before any image data is inflated", arguments: [
    (UInt32(16_385), UInt32(1), "larger than the 16384×16384"), (8_193, 8_193, "67108864 pixels"),
    (0xFFFF_FFFF, 0xFFFF_FFFF, "larger than"), (0, 5, "empty image size"),
  ])
  func pngDimensions(width: UInt32, height: UInt32, phrase: String) {
    let error = #expect(throws: PNGError.self) { try PNGCodec.decode(Self.png(width: width, height: height), fileName: "big.png") }
    #expect(error?.description.hasPrefix("big.png: ") == true)
    #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
  }

  @Test("a second IHDR chunk is refused")
  func duplicateHeader() {
    let error = #expect(throws: PNGError.self) { try PNGCodec.decode(Self.png(width: 2, height: 2, extraIHDR: true), fileName: "two.png") }
    #expect(error?.description == "two.png: more than one IHDR chunk")
  }

  @Test("safetensors: more tensors than accepted")
  func tooManyTensors() {
    let entries = (0...SafeTensors.maxTensorCount).map { "\"t\($0)\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}" }
    let bytes = IOTestSupport.rawSafeTensors(header: "{" + entries.joined(separator: ",") + "}")
    let error = #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: bytes, fileName: "many.safetensors") }
    #expect(error?.description == "many.safetensors: invalid header: 100001 tensors, more than the 100000 accepted")
  }

  @Test("safetensors: more dimensions than accepted; shapes whose size overflows")
  func rankAndOverflow() {
    let shape = [String](repeating: "1", count: SafeTensors.maxRank + 1).joined(separator: ",")
    let deep = IOTestSupport.rawSafeTensors(header: "{\"t\":{\"dtype\":\"U8\",\"shape\":[\(shape)],\"data_offsets\":[0,1]}}", data: [0])
    let error = #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: deep, fileName: "deep.safetensors") }
    #expect(error?.description == "deep.safetensors: invalid header: tensor \"t\" has 65 dimensions, more than the 64 accepted")
    let huge = IOTestSupport.rawSafeTensors(
      header: "{\"t\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", data: [UInt8](repeating: 0, count: 8))
    let overflow = #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: huge, fileName: "huge.safetensors") }
    #expect(overflow?.description.contains("whose size overflows") == true)
  }

  /// Found by the safetensors fuzz harness: a 266-byte data-set file whose label 65,600 made
  /// the reader build a class name for every value up to it (a million were allowed).
  @Test("a data-set file cannot make the reader build an unbounded number of class names")
  func classCount() throws {
    func dataset(labels: [Int], metadata: [String: String]) throws -> SafeTensors {
      var file = SafeTensors(metadata: metadata, fileName: "classes.safetensors")
      try file.set("x", bytes: [UInt8](repeating: 1, count: 8), shape: [2, 1, 2, 2])
      try file.set("y", integers: labels, shape: [2])
      return file
    }
    let label = #expect(throws: DataError.self) { try Dataset(dataset(labels: [4, 65_600], metadata: [:]), name: "d") }
    #expect(label?.description == "classes.safetensors: label 65600 is larger than the 65536 classes accepted (or give num_classes)")
    let count = #expect(throws: DataError.self) { try Dataset(dataset(labels: [0, 1], metadata: ["num_classes": "1000000"]), name: "d") }
    #expect(count?.description == "classes.safetensors: metadata num_classes 1000000 is more than the 65536 classes accepted")
    #expect(try Dataset(dataset(labels: [0, 65_535], metadata: [:]), name: "d").classCount == 65_536)
  }

  @Test("JSON documents are bounded in size and depth")
  func jsonLimits() {
    let large = [UInt8](repeating: 0x20, count: JSONValue.maxDocumentBytes) + [0x31]
    let error = #expect(throws: DataError.self) { try JSONValue.parse(bytes: large, fileName: "large.json") }
    #expect(error?.description == "large.json: JSON document of 16777217 bytes is larger than the 16777216 accepted")
    let deep = String(repeating: "[", count: JSONValue.maxNestingDepth + 1) + String(repeating: "]", count: JSONValue.maxNestingDepth + 1)
    let nested = #expect(throws: DataError.self) { try JSONValue.parse(deep, fileName: "deep.json") }
    #expect(nested?.description.hasPrefix("deep.json: invalid JSON: nesting deeper than 64 levels") == true)
    #expect(throws: Never.self) { try JSONValue.parse(String(deep.dropFirst().dropLast()), fileName: "ok.json") }
  }

  @Test("files are read only when regular and within the size limits")
  func fileReads() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // A special file would never end.
    let zero = #expect(throws: FileReadError.self) { try FileIO.readAll(URL(fileURLWithPath: "/dev/zero"), maxBytes: 100, kind: "a test file") }
    #expect(zero?.description == "/dev/zero: cannot read the file: not a regular file")
    let dir = #expect(throws: FileReadError.self) { try FileIO.readAll(directory, maxBytes: 100, kind: "a test file") }
    #expect(dir?.description.hasSuffix(": cannot read the file: is a directory") == true)
    // A sparse file just past the CIFAR batch limit: refused by its size, nothing read.
    let big = directory.appendingPathComponent("data_batch_1.bin")
    #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
    let handle = try FileHandle(forWritingTo: big)
    try handle.truncate(atOffset: UInt64(CIFAR10.maxBatchBytes + 1))
    try handle.close()
    let batch = #expect(throws: DataError.self) { try CIFAR10.readBatch(big) }
    #expect(batch?.description.hasSuffix("data_batch_1.bin: cannot read the file: it holds 1073741825 bytes (1.00 GiB), more than the 1.00 GiB accepted for a CIFAR-10 batch") == true,
            "\(String(describing: batch))")
    // Within the format's limit but not the memory budget.
    let small = directory.appendingPathComponent("small.bin")
    try Data(count: 5000).write(to: small)
    let budget = MemoryBudget(limit: 4096, origin: "test budget")
    let refused = #expect(throws: FileReadError.self) { try FileIO.readAll(small, maxBytes: 1 << 20, kind: "a test file", budget: budget) }
    #expect(refused?.description.hasSuffix("small.bin: cannot read the file: reading it needs 4.88 KiB but the memory limit is 4.00 KiB (test budget)") == true,
            "\(String(describing: refused))")
    #expect(try FileIO.readAll(small, maxBytes: 5000, kind: "a test file", budget: MemoryBudget(limit: 5000, origin: "test")).count == 5000)
  }
}
