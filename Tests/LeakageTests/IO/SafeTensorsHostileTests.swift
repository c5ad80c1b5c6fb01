import Autodiff
import Foundation
import Testing

@testable import Leakage

/// Untrusted files: each defect gives its typed error, a one-line message naming the file, and
/// never a crash.
@Suite("safetensors: hostile files")
struct SafeTensorsHostileTests {
  static let name = "weights.safetensors"

  static func parse(_ bytes: [UInt8], maxHeaderBytes: Int = SafeTensors.defaultMaxHeaderBytes) throws(SafeTensorsError) -> SafeTensors {
    try SafeTensors(bytes: bytes, fileName: name, maxHeaderBytes: maxHeaderBytes)
  }

  static func error(_ bytes: [UInt8], maxHeaderBytes: Int = SafeTensors.defaultMaxHeaderBytes) -> SafeTensorsError? {
    do {
      _ = try parse(bytes, maxHeaderBytes: maxHeaderBytes)
      return nil
    } catch {
      #expect(error.description.hasPrefix(name + ": "))
      #expect(!error.description.contains("\n"))
      return error
    }
  }

  static func header(_ json: String, data: Int) -> [UInt8] {
    IOTestSupport.rawSafeTensors(header: json, data: [UInt8](repeating: 0xAB, count: data))
  }

  @Test("shorter than the 8-byte length")
  func truncatedLength() {
    #expect(Self.error([]) == .truncated(file: Self.name, byteCount: 0))
    #expect(Self.error([1, 0, 0]) == .truncated(file: Self.name, byteCount: 3))
  }

  @Test("header length larger than the file")
  func headerPastEnd() {
    var bytes = Self.header(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: 1)
    bytes.removeLast(10)
    guard case .headerLengthExceedsFile? = Self.error(bytes) else {
      Issue.record("expected headerLengthExceedsFile")
      return
    }
    var huge = [UInt8](repeating: 0xFF, count: 8)
    huge += Array("{}".utf8)
    #expect(Self.error(huge) == .headerTooLarge(file: Self.name, headerLength: UInt64.max, limit: SafeTensors.defaultMaxHeaderBytes))
  }

  @Test("header larger than the limit")
  func headerTooLarge() {
    let bytes = Self.header(#"{"__metadata__":{"k":"\#(String(repeating: "v", count: 200))"}}"#, data: 0)
    #expect(Self.error(bytes, maxHeaderBytes: 100) == .headerTooLarge(file: Self.name, headerLength: UInt64(bytes.count - 8), limit: 100))
    #expect(throws: Never.self) { try Self.parse(bytes, maxHeaderBytes: 1000) }
  }

  @Test("header that is not JSON, or JSON of the wrong form", arguments: [
    "{", "not json", #"{"a":1,}"#, "{\"a\":\"\u{01}\"}", #"{"a":[1,2}"#, "[1,2]", "\"just a string\"", "",
    #"{"__metadata__":{"k":1}}"#, #"{"__metadata__":[]}"#, #"{"t":5}"#, #"{"t":{"shape":[1],"data_offsets":[0,1]}}"#,
    #"{"t":{"dtype":"U8","data_offsets":[0,1]}}"#, #"{"t":{"dtype":"U8","shape":[1]}}"#,
    #"{"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, #"{"t":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}"#,
    #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}"#,
    #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,99999999999999999999999]}}"#,
    #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#,
    #"{"t":{"dtype":"U8","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,1]}}"#,
    String(repeating: "[", count: 100_000),
  ])
  func badHeader(json: String) {
    let error = Self.error(Self.header(json, data: 4))
    switch error {
    case .invalidJSON?, .invalidHeader?: break
    default: Issue.record("\(json.prefix(60)): expected invalidJSON or invalidHeader, got \(String(describing: error))")
    }
  }

  @Test("offsets past the data section")
  func outOfRange() {
    let bytes = Self.header(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 8)
    #expect(Self.error(bytes) == .offsetsOutOfRange(file: Self.name, tensor: "w", begin: 4, end: 12, dataLength: 8))
    #expect(Self.error(bytes)?.description == #"weights.safetensors: tensor "w" has data_offsets [4, 12] outside the 8-byte data section"#)
  }

  @Test("offsets that end before they begin")
  func reversed() {
    let bytes = Self.header(#"{"w":{"dtype":"U8","shape":[2],"data_offsets":[6,4]}}"#, data: 8)
    #expect(Self.error(bytes) == .offsetsReversed(file: Self.name, tensor: "w", begin: 6, end: 4))
  }

  @Test("byte count that does not match shape × dtype")
  func wrongByteCount() {
    let bytes = Self.header(#"{"conv1.weight":{"dtype":"F32","shape":[12,1,5,5],"data_offsets":[0,100]}}"#, data: 100)
    let error = Self.error(bytes)
    #expect(error == .byteCountMismatch(file: Self.name, tensor: "conv1.weight", begin: 0, end: 100, shape: [12, 1, 5, 5], dtype: .f32, needed: 1200))
    #expect(error?.description == #"weights.safetensors: tensor "conv1.weight" has data_offsets [0, 100] but shape [12,1,5,5] of F32 needs 1200 bytes"#)
  }

  @Test("overlapping tensors")
  func overlapping() {
    let bytes = Self.header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12)
    #expect(Self.error(bytes) == .overlapping(file: Self.name, tensor: "b", other: "a"))
    // Identical ranges overlap too; empty tensors never do.
    let same = Self.header(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#, data: 4)
    guard case .overlapping? = Self.error(same) else {
      Issue.record("expected overlapping")
      return
    }
    let empty = Self.header(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0],"data_offsets":[2,2]}}"#, data: 4)
    #expect(throws: Never.self) { try Self.parse(empty) }
  }

  @Test("unknown or unsupported dtype", arguments: ["BF16", "F16", "BOOL", "I8", "Q4", ""])
  func unknownDType(dtype: String) {
    let bytes = Self.header(#"{"w":{"dtype":"\#(dtype)","shape":[2],"data_offsets":[0,4]}}"#, data: 4)
    #expect(Self.error(bytes) == .unsupportedDType(file: Self.name, tensor: "w", dtype: dtype))
    #expect(Self.error(bytes)?.description.contains("supported: F32, F64, I64, I32, U8") == true)
  }

  @Test("a valid file cut at every length fails cleanly")
  func everyTruncation() throws {
    var file = SafeTensors(metadata: ["k": "v"])
    file.set("w", Tensor(shape: [3], scalars: [1.0, 2.0, 3.0]))
    try file.set("y", integers: [1, 2], shape: [2], as: .i32)
    let bytes = file.serialized()
    for length in 0..<bytes.count {
      #expect(throws: SafeTensorsError.self) { try Self.parse(Array(bytes[0..<length])) }
    }
    #expect(throws: Never.self) { try Self.parse(bytes) }
  }

  @Test("random corruption never crashes the reader")
  func fuzz() throws {
    var file = SafeTensors(metadata: ["source": "fuzz"])
    file.set("conv.weight", Tensor(shape: [2, 2], scalars: [1.0, 2.0, 3.0, 4.0]))
    try file.set("labels", integers: [1, 2, 3], shape: [3], as: .i64)
    try file.set("pixels", bytes: [1, 2, 3, 4, 5], shape: [5])
    let original = file.serialized()
    var rng = SeededRandom(seed: 2309)
    var failures = 0
    for _ in 0..<3000 {
      var bytes = original
      for _ in 0..<(1 + Int(rng.next() % 4)) {
        let at = Int(rng.next() % UInt64(bytes.count))
        bytes[at] = UInt8(truncatingIfNeeded: rng.next())
      }
      if (try? Self.parse(bytes)) == nil { failures += 1 }
    }
    #expect(failures > 0)
  }
}
