import Autodiff
import Foundation
import ONNXProto

/// Decodes ONNX `TensorProto`s (initializers, constants, attribute tensors) into float or integer
/// tensors, checking the data against the declared type and shape before anything is allocated.
struct ONNXTensorDecoder {
  let file: String
  /// Most elements one tensor may declare.
  var maxElements = ONNXLimits.tensorElements
  /// Reads an external data file (`location` relative to the model) when a tensor's data lives
  /// outside the model file.
  var externalData: ((String) throws(ONNXError) -> Data)?

  /// ONNX element types.
  enum ElementType: Int32 {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, complex64 = 14, complex128 = 15, bfloat16 = 16

    /// Bytes per element in `raw_data`, for the types i2f reads.
    var byteCount: Int? {
      switch self {
      case .float, .int32, .uint32: 4
      case .uint8, .int8, .bool: 1
      case .uint16, .int16, .float16, .bfloat16: 2
      case .int64, .double, .uint64: 8
      case .string, .complex64, .complex128: nil
      }
    }

    var isFloat: Bool { self == .float || self == .double || self == .float16 || self == .bfloat16 }
  }

  func decode(_ proto: Onnx_TensorProto, name: String) throws(ONNXError) -> ONNXTensor {
    func bad(_ problem: String) -> ONNXError { .invalidInitializer(file: file, name: name, problem: problem) }
    guard let type = ElementType(rawValue: proto.dataType), let size = type.byteCount else {
      throw bad("element type \(proto.dataType) is not supported (only float, double, half and integer tensors)")
    }
    if proto.hasSegment { throw bad("segmented tensors are not supported") }
    var count = 1
    for d in proto.dims {
      guard d >= 0 else { throw bad("negative dimension in \(proto.dims)") }
      let (c, overflow) = count.multipliedReportingOverflow(by: Int(d))
      guard !overflow, c <= maxElements else {
        throw ONNXError.tooLarge(file: file, problem: "initializer '\(name)' declares \(proto.dims) elements (at most \(maxElements))")
      }
      count = c
    }
    let shape = proto.dims.map { Int($0) }

    // Raw bytes: in the file, or in an external data file.
    var raw: Data?
    if proto.dataLocation == .external {
      raw = try externalBytes(proto, name: name, expected: count * size)
    } else if proto.hasRawData {
      raw = proto.rawData
    }
    if let raw {
      guard raw.count == count * size else {
        throw bad("\(raw.count) bytes of data for shape \(shape) of \(type) (expected \(count * size))")
      }
      guard let tensor = Self.fromRaw(raw, type: type, shape: shape, count: count) else { throw bad("unsigned value too large") }
      return tensor
    }

    // Typed fields.
    func check(_ n: Int) throws(ONNXError) {
      guard n == count else { throw bad("\(n) values for shape \(shape) (expected \(count))") }
    }
    switch type {
    case .float:
      try check(proto.floatData.count)
      return .float(Tensor(shape: shape, scalars: proto.floatData.map(Double.init)))
    case .double:
      try check(proto.doubleData.count)
      return .float(Tensor(shape: shape, scalars: proto.doubleData))
    case .float16, .bfloat16:
      try check(proto.int32Data.count)
      let bits = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
      return .float(Tensor(shape: shape, scalars: bits.map { type == .float16 ? Self.half($0) : Self.bfloat($0) }))
    case .int64:
      try check(proto.int64Data.count)
      return .integer(IntegerTensor(shape: shape, values: proto.int64Data))
    case .uint32, .uint64:
      try check(proto.uint64Data.count)
      guard proto.uint64Data.allSatisfy({ $0 <= UInt64(Int64.max) }) else { throw bad("unsigned value too large") }
      return .integer(IntegerTensor(shape: shape, values: proto.uint64Data.map { Int64($0) }))
    case .int32, .int16, .int8, .uint16, .uint8, .bool:
      try check(proto.int32Data.count)
      return .integer(IntegerTensor(shape: shape, values: proto.int32Data.map { Int64($0) }, isBoolean: type == .bool))
    case .string, .complex64, .complex128:
      throw bad("element type \(type) is not supported")
    }
  }

  private func externalBytes(_ proto: Onnx_TensorProto, name: String, expected: Int) throws(ONNXError) -> Data {
    func bad(_ problem: String) -> ONNXError { .invalidInitializer(file: file, name: name, problem: problem) }
    var fields: [String: String] = [:]
    for e in proto.externalData { fields[e.key] = e.value }
    guard let location = fields["location"], !location.isEmpty else { throw bad("external data without a location") }
    guard let externalData else { throw bad("its data is in the external file '\(location)', which is not available") }
    let offset = Int(fields["offset"] ?? "0") ?? -1
    let length = fields["length"].map { Int($0) ?? -1 } ?? expected
    guard offset >= 0, length >= 0 else { throw bad("invalid offset or length in its external data reference") }
    let bytes = try externalData(location)
    guard length == expected else { throw bad("external data of \(length) bytes (expected \(expected))") }
    let (end, overflow) = offset.addingReportingOverflow(length)
    guard !overflow, end <= bytes.count else {
      throw bad("external data \(offset)..<\(end) lies beyond the end of '\(location)' (\(bytes.count) bytes)")
    }
    return bytes.subdata(in: (bytes.startIndex + offset)..<(bytes.startIndex + end))
  }

  /// Little-endian raw bytes as a tensor; nil when an unsigned 64-bit value does not fit Int64.
  static func fromRaw(_ raw: Data, type: ElementType, shape: [Int], count: Int) -> ONNXTensor? {
    raw.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> ONNXTensor? in
      func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
      }
      switch type {
      case .float:
        return .float(Tensor(shape: shape, scalars: (0..<count).map { Double(Float(bitPattern: load(UInt32.self, $0))) }))
      case .double:
        return .float(Tensor(shape: shape, scalars: (0..<count).map { Double(bitPattern: load(UInt64.self, $0)) }))
      case .float16:
        return .float(Tensor(shape: shape, scalars: (0..<count).map { half(load(UInt16.self, $0)) }))
      case .bfloat16:
        return .float(Tensor(shape: shape, scalars: (0..<count).map { bfloat(load(UInt16.self, $0)) }))
      case .int64: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { load(Int64.self, $0) }))
      case .uint64:
        let v = (0..<count).map { load(UInt64.self, $0) }
        guard v.allSatisfy({ $0 <= UInt64(Int64.max) }) else { return nil }
        return .integer(IntegerTensor(shape: shape, values: v.map { Int64($0) }))
      case .int32: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(Int32.self, $0)) }))
      case .uint32: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(UInt32.self, $0)) }))
      case .int16: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(Int16.self, $0)) }))
      case .uint16: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(UInt16.self, $0)) }))
      case .int8: return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(Int8.self, $0)) }))
      case .uint8, .bool:
        return .integer(IntegerTensor(shape: shape, values: (0..<count).map { Int64(load(UInt8.self, $0)) }, isBoolean: type == .bool))
      case .string, .complex64, .complex128: return nil
      }
    }
  }

  /// IEEE half-precision bits as a Double.
  static func half(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F), fraction = Double(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }

  /// bfloat16 bits (the top half of a Float) as a Double.
  static func bfloat(_ bits: UInt16) -> Double { Double(Float(bitPattern: UInt32(bits) << 16)) }
}

/// Bounds on the work a (possibly hostile) ONNX file can cause, checked before anything is
/// allocated or computed.
enum ONNXLimits {
  /// Nodes in the graph.
  static let nodes = 10_000
  /// Elements of one tensor (an initializer, a constant or any intermediate result).
  static let tensorElements = 1 << 27
  /// Elements of all initializers together.
  static let totalInitializerElements = 1 << 28
  /// Elements of an integer (shape-arithmetic) tensor made by an op.
  static let integerElements = 1 << 20
  /// Multiply–adds of one forward pass of the check run at load time.
  static let checkRunMACs = 1 << 37
  /// Elements of all the tensors the check run makes (they are all kept until it ends).
  static let checkRunElements = 1 << 29
  /// Slices one float Gather or strided Slice is made of.
  static let slices = 4096
  /// Nesting of protobuf messages (a model needs 5; only subgraphs, which i2f does not run, need more).
  static let messageDepth = 32
}
