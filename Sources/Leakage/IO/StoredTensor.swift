import Autodiff

/// One tensor of a safetensors file as stored: dtype, shape and the little-endian element bytes.
///
/// Kept as bytes so integer tensors, pixel bytes and float weights round-trip exactly; the
/// accessors on ``SafeTensors`` convert to `Tensor` or integer arrays.
public struct StoredTensor: Sendable, Equatable {
  /// The element type.
  public let dtype: SafeTensorsDType
  /// Extent of each dimension; `[]` is a scalar.
  public let shape: [Int]
  /// `shape.elementCount × dtype.byteCount` little-endian bytes, row-major.
  public let bytes: [UInt8]

  /// Number of elements.
  public var elementCount: Int { shape.reduce(1, *) }

  /// A stored tensor from raw bytes; nil when the byte count does not match the shape and dtype.
  public init?(dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
    guard let count = StoredTensor.elementCount(of: shape),
          count.multipliedReportingOverflow(by: dtype.byteCount) == (bytes.count, false) else { return nil }
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// The element count of `shape`, or nil when an extent is negative or the product overflows.
  static func elementCount(of shape: [Int]) -> Int? {
    var count = 1
    for extent in shape {
      guard extent >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }

  // MARK: Decoding

  /// The elements converted to `S` (F32 or F64 only; nil otherwise).
  func floatingPointValues<S: TensorScalar>(as: S.Type) -> [S]? {
    let n = elementCount
    // Not `Array(unsafeUninitializedCapacity: 0)`: it writes into the shared empty-array storage.
    if n == 0 && (dtype == .f32 || dtype == .f64) { return [] }
    switch dtype {
    case .f32:
      return bytes.withUnsafeBytes { raw in
        [S](unsafeUninitializedCapacity: n) { buffer, initialized in
          for i in 0..<n {
            buffer[i] = S(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
          }
          initialized = n
        }
      }
    case .f64:
      return bytes.withUnsafeBytes { raw in
        [S](unsafeUninitializedCapacity: n) { buffer, initialized in
          for i in 0..<n {
            buffer[i] = S(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
          }
          initialized = n
        }
      }
    default:
      return nil
    }
  }

  /// The elements as Ints (I64, I32 or U8 only; nil otherwise).
  func integerValues() -> [Int]? {
    let n = elementCount
    switch dtype {
    case .i64:
      return bytes.withUnsafeBytes { raw in
        (0..<n).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
      }
    case .i32:
      return bytes.withUnsafeBytes { raw in
        (0..<n).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
      }
    case .u8:
      return bytes.map { Int($0) }
    default:
      return nil
    }
  }

  // MARK: Encoding

  /// Stores float scalars as F32 or F64 (rounding Doubles stored as F32).
  static func encodeFloats<S: TensorScalar>(_ values: [S], shape: [Int], as dtype: SafeTensorsDType) -> StoredTensor? {
    var bytes = [UInt8]()
    switch dtype {
    case .f32:
      bytes.reserveCapacity(values.count * 4)
      for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    case .f64:
      bytes.reserveCapacity(values.count * 8)
      for v in values { withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    default:
      return nil
    }
    return StoredTensor(dtype: dtype, shape: shape, bytes: bytes)
  }

  /// Stores integers as I64, I32 or U8; the offending value when one does not fit.
  static func encodeIntegers(_ values: [Int], shape: [Int], as dtype: SafeTensorsDType) -> Result<StoredTensor, IntegerEncodingFailure> {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * dtype.byteCount)
    for v in values {
      switch dtype {
      case .i64:
        withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) }
      case .i32:
        guard let w = Int32(exactly: v) else { return .failure(.outOfRange(v)) }
        withUnsafeBytes(of: w.littleEndian) { bytes.append(contentsOf: $0) }
      case .u8:
        guard let w = UInt8(exactly: v) else { return .failure(.outOfRange(v)) }
        bytes.append(w)
      case .f32, .f64:
        return .failure(.notAnIntegerType)
      }
    }
    guard let stored = StoredTensor(dtype: dtype, shape: shape, bytes: bytes) else { return .failure(.shapeMismatch) }
    return .success(stored)
  }

  /// Why integers could not be encoded.
  enum IntegerEncodingFailure: Error {
    case outOfRange(Int), notAnIntegerType, shapeMismatch
  }
}
