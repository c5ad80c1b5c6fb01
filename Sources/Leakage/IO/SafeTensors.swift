import Autodiff
import Foundation

/// The contents of a safetensors file: named tensors plus string metadata.
///
/// Reading treats the file as untrusted: the header size is bounded, the JSON must parse, and
/// every tensor's byte range must lie in the data section, match its shape and dtype, and not
/// overlap another; any violation is a ``SafeTensorsError`` naming the file, never a crash.
/// Writing is deterministic and atomic. Compatible with `safetensors.torch.save_file`.
public struct SafeTensors: Sendable, Equatable {
  /// The largest header the reader accepts by default: room for ``maxTensorCount`` entries (about
  /// 100 bytes each). Parsed JSON takes up to about 24 bytes per 2 bytes of text, so this also
  /// bounds what a hostile header costs (the reference implementation allows 100 MB).
  public static let defaultMaxHeaderBytes = 16 << 20
  /// The largest file the reader accepts (also bounded by ``MemoryBudget/current``).
  public static let maxFileBytes = 64 << 30
  /// The most tensors one file may hold (large language models hold a few thousand per file).
  public static let maxTensorCount = 100_000
  /// The most dimensions one tensor may have.
  public static let maxRank = 64

  /// The tensors by name.
  public var tensors: [String: StoredTensor]
  /// The optional `__metadata__` map (string to string).
  public var metadata: [String: String]
  /// The file these tensors came from, as named in error messages (`"<memory>"` when built here).
  public var fileName: String

  /// An empty set of tensors, or one built from stored tensors.
  public init(tensors: [String: StoredTensor] = [:], metadata: [String: String] = [:], fileName: String = "<memory>") {
    self.tensors = tensors
    self.metadata = metadata
    self.fileName = fileName
  }

  /// The tensor names, sorted.
  public var names: [String] { tensors.keys.sorted() }

  // MARK: Reading

  /// Reads and validates the file at `url`.
  public init(contentsOf url: URL, maxHeaderBytes: Int = SafeTensors.defaultMaxHeaderBytes) throws(SafeTensorsError) {
    let bytes: [UInt8]
    do {
      bytes = try FileIO.readAll(url, maxBytes: Self.maxFileBytes, kind: "a safetensors file")
    } catch {
      throw .unreadable(file: error.file, reason: error.reason)
    }
    try self.init(bytes: bytes, fileName: url.relativePath, maxHeaderBytes: maxHeaderBytes)
  }

  /// Parses and validates the bytes of a safetensors file; `fileName` names it in errors.
  public init(bytes: [UInt8], fileName: String, maxHeaderBytes: Int = SafeTensors.defaultMaxHeaderBytes) throws(SafeTensorsError) {
    let file = fileName
    guard bytes.count >= 8 else { throw .truncated(file: file, byteCount: bytes.count) }
    let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    guard headerLength <= UInt64(maxHeaderBytes) else {
      throw .headerTooLarge(file: file, headerLength: headerLength, limit: maxHeaderBytes)
    }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw .headerLengthExceedsFile(file: file, headerLength: headerLength, available: bytes.count - 8)
    }
    let headerEnd = 8 + Int(headerLength)
    let header: JSONValue
    do {
      header = try JSONParser.parse(Array(bytes[8..<headerEnd]))
    } catch {
      throw .invalidJSON(file: file, detail: error.description)
    }
    guard case .object(let members) = header else {
      throw .invalidHeader(file: file, detail: "the header is \(header.kindName), not an object")
    }
    let tensorCount = members.count - (members.contains { $0.key == "__metadata__" } ? 1 : 0)
    guard tensorCount <= Self.maxTensorCount else {
      throw .invalidHeader(file: file, detail: "\(tensorCount) tensors, more than the \(Self.maxTensorCount) accepted")
    }
    let dataLength = bytes.count - headerEnd
    var metadata: [String: String] = [:]
    var entries: [(name: String, dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int)] = []
    for (name, value) in members {
      if name == "__metadata__" {
        metadata = try Self.parseMetadata(value, file: file)
        continue
      }
      let entry = try Self.parseEntry(name: name, value, file: file)
      guard entry.end <= dataLength else {
        throw .offsetsOutOfRange(file: file, tensor: name, begin: entry.begin, end: entry.end, dataLength: dataLength)
      }
      guard let count = StoredTensor.elementCount(of: entry.shape),
            case let (needed, false) = count.multipliedReportingOverflow(by: entry.dtype.byteCount) else {
        throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has shape \(SafeTensorsError.format(entry.shape)) whose size overflows")
      }
      guard entry.end - entry.begin == needed else {
        throw .byteCountMismatch(file: file, tensor: name, begin: entry.begin, end: entry.end,
                                 shape: entry.shape, dtype: entry.dtype, needed: needed)
      }
      entries.append((name, entry.dtype, entry.shape, entry.begin, entry.end))
    }
    // Overlap check: sorted by start, each non-empty range must start at or after the previous end.
    let ordered = entries.filter { $0.end > $0.begin }.sorted { ($0.begin, $0.name) < ($1.begin, $1.name) }
    for (previous, next) in zip(ordered, ordered.dropFirst()) where next.begin < previous.end {
      throw .overlapping(file: file, tensor: next.name, other: previous.name)
    }
    var tensors: [String: StoredTensor] = [:]
    for entry in entries {
      let slice = Array(bytes[(headerEnd + entry.begin)..<(headerEnd + entry.end)])
      guard let stored = StoredTensor(dtype: entry.dtype, shape: entry.shape, bytes: slice) else {
        throw .invalidHeader(file: file, detail: "tensor \"\(entry.name)\" is inconsistent")
      }
      tensors[entry.name] = stored
    }
    self.init(tensors: tensors, metadata: metadata, fileName: file)
  }

  private static func parseMetadata(_ value: JSONValue, file: String) throws(SafeTensorsError) -> [String: String] {
    guard case .object(let members) = value else {
      throw .invalidHeader(file: file, detail: "__metadata__ is \(value.kindName), not an object")
    }
    var metadata: [String: String] = [:]
    for (key, item) in members {
      guard case .string(let s) = item else {
        throw .invalidHeader(file: file, detail: "__metadata__ value of \"\(key)\" is \(item.kindName), not a string")
      }
      metadata[key] = s
    }
    return metadata
  }

  private static func parseEntry(name: String, _ value: JSONValue, file: String) throws(SafeTensorsError)
    -> (dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int)
  {
    guard case .object = value else {
      throw .invalidHeader(file: file, detail: "entry \"\(name)\" is \(value.kindName), not an object")
    }
    guard case .string(let dtypeName)? = value["dtype"] else {
      throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has no string \"dtype\"")
    }
    guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
      throw .unsupportedDType(file: file, tensor: name, dtype: dtypeName)
    }
    guard case .array(let shapeItems)? = value["shape"] else {
      throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has no \"shape\" array")
    }
    guard shapeItems.count <= maxRank else {
      throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has \(shapeItems.count) dimensions, more than the \(maxRank) accepted")
    }
    var shape: [Int] = []
    for item in shapeItems {
      guard case .integer(let extent) = item, extent >= 0 else {
        throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has a shape entry that is not a non-negative integer")
      }
      shape.append(extent)
    }
    guard case .array(let offsets)? = value["data_offsets"], offsets.count == 2,
          case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1], begin >= 0, end >= 0 else {
      throw .invalidHeader(file: file, detail: "tensor \"\(name)\" has no \"data_offsets\" pair of non-negative integers")
    }
    guard begin <= end else { throw .offsetsReversed(file: file, tensor: name, begin: begin, end: end) }
    return (dtype, shape, begin, end)
  }

  // MARK: Accessors

  /// The stored tensor `name`, or an error listing the tensors present.
  public func stored(_ name: String) throws(SafeTensorsError) -> StoredTensor {
    guard let tensor = tensors[name] else { throw .missingTensor(file: fileName, tensor: name, available: names) }
    return tensor
  }

  /// Tensor `name` (F32 or F64) converted to `Scalar`.
  public func tensor<Scalar: TensorScalar>(_ name: String, as: Scalar.Type = Double.self) throws(SafeTensorsError) -> Tensor<Scalar> {
    let stored = try stored(name)
    guard let values = stored.floatingPointValues(as: Scalar.self) else {
      throw .wrongDType(file: fileName, tensor: name, dtype: stored.dtype, expected: [.f32, .f64])
    }
    return Tensor(shape: stored.shape, scalars: values)
  }

  /// Tensor `name` (I64, I32 or U8) as Ints, row-major; its shape is `stored(name).shape`.
  public func integers(_ name: String) throws(SafeTensorsError) -> [Int] {
    let stored = try stored(name)
    guard let values = stored.integerValues() else {
      throw .wrongDType(file: fileName, tensor: name, dtype: stored.dtype, expected: [.i64, .i32, .u8])
    }
    return values
  }

  /// Tensor `name` (U8 only) as its bytes, row-major: pixel data without widening.
  public func bytes(_ name: String) throws(SafeTensorsError) -> [UInt8] {
    let stored = try stored(name)
    guard stored.dtype == .u8 else { throw .wrongDType(file: fileName, tensor: name, dtype: stored.dtype, expected: [.u8]) }
    return stored.bytes
  }

  // MARK: Building

  /// Stores `tensor` under `name` in its own precision (F32 for `Float`, F64 for `Double`).
  public mutating func set<Scalar: TensorScalar>(_ name: String, _ tensor: Tensor<Scalar>) {
    let dtype: SafeTensorsDType = Scalar.dtype == .float32 ? .f32 : .f64
    if let stored = StoredTensor.encodeFloats(tensor.scalars, shape: tensor.shape, as: dtype) {
      tensors[name] = stored
    }
  }

  /// Stores `tensor` under `name` as F32 or F64 (converting the precision).
  public mutating func set<Scalar: TensorScalar>(_ name: String, _ tensor: Tensor<Scalar>, as dtype: SafeTensorsDType) throws(SafeTensorsError) {
    guard let stored = StoredTensor.encodeFloats(tensor.scalars, shape: tensor.shape, as: dtype) else {
      throw .invalidTensor(file: fileName, tensor: name, detail: "a float tensor cannot be stored as \(dtype.rawValue)")
    }
    tensors[name] = stored
  }

  /// Stores integers under `name` with `shape` as I64, I32 or U8; throws when a value does not
  /// fit the dtype or the count does not match the shape.
  public mutating func set(_ name: String, integers: [Int], shape: [Int], as dtype: SafeTensorsDType = .i64) throws(SafeTensorsError) {
    switch StoredTensor.encodeIntegers(integers, shape: shape, as: dtype) {
    case .success(let stored):
      tensors[name] = stored
    case .failure(.outOfRange(let value)):
      throw .invalidTensor(file: fileName, tensor: name, detail: "value \(value) does not fit in \(dtype.rawValue)")
    case .failure(.notAnIntegerType):
      throw .invalidTensor(file: fileName, tensor: name, detail: "integers cannot be stored as \(dtype.rawValue)")
    case .failure(.shapeMismatch):
      throw .invalidTensor(file: fileName, tensor: name,
                           detail: "shape \(SafeTensorsError.format(shape)) does not hold \(integers.count) values")
    }
  }

  /// Stores bytes under `name` as U8 with `shape`.
  public mutating func set(_ name: String, bytes: [UInt8], shape: [Int]) throws(SafeTensorsError) {
    guard let stored = StoredTensor(dtype: .u8, shape: shape, bytes: bytes) else {
      throw .invalidTensor(file: fileName, tensor: name,
                           detail: "shape \(SafeTensorsError.format(shape)) does not hold \(bytes.count) values")
    }
    tensors[name] = stored
  }
}
