import Autodiff
import Foundation
import Testing

@testable import Leakage

@Suite("safetensors round trips")
struct SafeTensorsRoundTripTests {
  /// A file holding one tensor of every dtype, with edge values.
  static func everyDType() throws -> SafeTensors {
    var file = SafeTensors(metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t é ✓ \u{01}"])
    file.set("weights.f32", Tensor<Float>(shape: [2, 3], scalars: [0.5, -1.25, .greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, 3]))
    file.set("weights.f64", Tensor<Double>(shape: [4], scalars: [0.1, -2.5, 1e300, -1e-300]))
    try file.set("count.i64", integers: [0, -1, Int(Int64.max), Int(Int64.min)], shape: [2, 2], as: .i64)
    try file.set("count.i32", integers: [7, -7, Int(Int32.max), Int(Int32.min)], shape: [4], as: .i32)
    try file.set("pixels.u8", bytes: [0, 1, 128, 255, 42], shape: [5])
    try file.set("scalar", integers: [7], shape: [], as: .i64)
    file.set("empty", Tensor<Float>(shape: [0, 3], scalars: []))
    return file
  }

  @Test("every dtype survives serialise → parse unchanged")
  func everyDTypeInMemory() throws {
    let file = try Self.everyDType()
    let parsed = try SafeTensors(bytes: file.serialized(), fileName: "mem.safetensors")
    #expect(parsed.tensors == file.tensors)
    #expect(parsed.metadata == file.metadata)
    #expect(parsed.fileName == "mem.safetensors")
    #expect(try parsed.tensor("weights.f32", as: Float.self).scalars == [0.5, -1.25, .greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, 3])
    #expect(try parsed.tensor("weights.f64").scalars == [0.1, -2.5, 1e300, -1e-300])
    #expect(try parsed.integers("count.i64") == [0, -1, Int(Int64.max), Int(Int64.min)])
    #expect(try parsed.integers("count.i32") == [7, -7, Int(Int32.max), Int(Int32.min)])
    #expect(try parsed.integers("pixels.u8") == [0, 1, 128, 255, 42])
    #expect(try parsed.bytes("pixels.u8") == [0, 1, 128, 255, 42])
    #expect(try parsed.integers("scalar") == [7])
    #expect(try parsed.stored("scalar").shape == [])
    #expect(try parsed.tensor("empty", as: Float.self).shape == [0, 3])
  }

  @Test("every dtype survives write → read through a file", arguments: SafeTensorsDType.allCases)
  func throughFile(dtype: SafeTensorsDType) throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var file = SafeTensors(metadata: ["dtype": dtype.rawValue])
    switch dtype {
    case .f32: try file.set("t", Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 0.1]), as: .f32)
    case .f64: try file.set("t", Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 0.1]), as: .f64)
    default: try file.set("t", integers: [0, 1, 2, 3, 4, 255], shape: [3, 2], as: dtype)
    }
    let url = directory.appendingPathComponent("t.safetensors")
    try file.write(to: url)
    let read = try SafeTensors(contentsOf: url)
    #expect(read.tensors == file.tensors)
    #expect(read.metadata == file.metadata)
    #expect(try read.stored("t").dtype == dtype)
    if dtype.isFloatingPoint {
      #expect(try read.tensor("t", as: Float.self).scalars == [1, 2, 3, 4, 5, 0.1])
    } else {
      #expect(try read.integers("t") == [0, 1, 2, 3, 4, 255])
    }
  }

  @Test("Float tensors stored as F32, Double as F64; precision conversion on read")
  func precision() throws {
    var file = SafeTensors()
    file.set("f", Tensor<Float>(shape: [1], scalars: [0.1]))
    file.set("d", Tensor<Double>(shape: [1], scalars: [0.1]))
    #expect(file.tensors["f"]?.dtype == .f32)
    #expect(file.tensors["d"]?.dtype == .f64)
    #expect(try file.tensor("f", as: Double.self).scalars == [Double(Float(0.1))])
    #expect(try file.tensor("d", as: Float.self).scalars == [Float(0.1)])
  }

  @Test("output is deterministic: sorted keys, aligned data, space padding")
  func deterministic() throws {
    var a = SafeTensors(metadata: ["z": "1", "a": "2"])
    try a.set("zeta", bytes: [1, 2, 3], shape: [3])
    a.set("alpha", Tensor<Double>(shape: [2], scalars: [1, 2]))
    try a.set("mid", integers: [5], shape: [1], as: .i32)
    var b = SafeTensors(metadata: ["a": "2", "z": "1"])
    try b.set("mid", integers: [5], shape: [1], as: .i32)
    b.set("alpha", Tensor<Double>(shape: [2], scalars: [1, 2]))
    try b.set("zeta", bytes: [1, 2, 3], shape: [3])
    let bytes = a.serialized()
    #expect(bytes == b.serialized())
    let headerLength = Int(bytes[0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
    #expect(headerLength % 8 == 0)
    let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
    let expected = #"{"__metadata__":{"a":"2","z":"1"},"alpha":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"#
      + #""mid":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},"zeta":{"dtype":"U8","shape":[3],"data_offsets":[20,23]}}"#
    #expect(headerLength - expected.utf8.count < 8)
    #expect(header == expected + String(repeating: " ", count: headerLength - expected.utf8.count))
    #expect(bytes.count == 8 + headerLength + 23)
  }

  @Test("writing replaces the destination atomically and leaves no temporary file")
  func atomicWrite() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("w.safetensors")
    try Data("old contents".utf8).write(to: url)
    let file = try Self.everyDType()
    try file.write(to: url)
    #expect(IOTestSupport.contents(of: directory) == ["w.safetensors"])
    #expect(try SafeTensors(contentsOf: url).tensors == file.tensors)
  }

  @Test("a write that cannot happen throws and leaves nothing behind")
  func failedWrite() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let missing = directory.appendingPathComponent("no/such/dir/w.safetensors")
    let error = #expect(throws: SafeTensorsError.self) { try SafeTensors().write(to: missing) }
    guard case .writeFailed(let file, _)? = error else {
      Issue.record("expected writeFailed, got \(String(describing: error))")
      return
    }
    #expect(file.hasSuffix("w.safetensors"))
    #expect(IOTestSupport.contents(of: directory).isEmpty)
    // A directory in the way of the rename: the temporary file is removed again.
    let blocked = directory.appendingPathComponent("dir.safetensors")
    try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
    #expect(throws: SafeTensorsError.self) { try SafeTensors().write(to: blocked) }
    #expect(IOTestSupport.contents(of: directory) == ["dir.safetensors"])
  }

  @Test("accessors report missing tensors and wrong dtypes, naming the file")
  func accessorErrors() throws {
    let file = try SafeTensors(bytes: Self.everyDType().serialized(), fileName: "model.safetensors")
    let missing = #expect(throws: SafeTensorsError.self) { try file.tensor("conv9.weight") }
    #expect(missing?.description.hasPrefix("model.safetensors: no tensor \"conv9.weight\" (tensors in the file: count.i32, count.i64, empty,") == true)
    let wrong = #expect(throws: SafeTensorsError.self) { try file.tensor("count.i64") }
    #expect(wrong?.description == "model.safetensors: tensor \"count.i64\" is I64, expected F32 or F64")
    #expect(throws: SafeTensorsError.self) { try file.integers("weights.f32") }
    #expect(throws: SafeTensorsError.self) { try file.bytes("count.i32") }
  }

  @Test("integers that do not fit the dtype, or a shape that does not match, are rejected")
  func integerRange() {
    var file = SafeTensors()
    #expect(throws: SafeTensorsError.self) { try file.set("a", integers: [256], shape: [1], as: .u8) }
    #expect(throws: SafeTensorsError.self) { try file.set("a", integers: [-1], shape: [1], as: .u8) }
    #expect(throws: SafeTensorsError.self) { try file.set("a", integers: [Int(Int32.max) + 1], shape: [1], as: .i32) }
    #expect(throws: SafeTensorsError.self) { try file.set("a", integers: [1, 2], shape: [3], as: .i64) }
    #expect(throws: SafeTensorsError.self) { try file.set("a", integers: [1], shape: [1], as: .f32) }
    #expect(throws: SafeTensorsError.self) { try file.set("a", bytes: [1, 2], shape: [1]) }
    #expect(file.tensors.isEmpty)
  }
}
