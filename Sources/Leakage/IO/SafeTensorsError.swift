/// Why a safetensors file could not be read, written or queried. Every description is one line
/// that starts with the file's name, so a command can print it as it is.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file could not be read at all (missing, unreadable).
  case unreadable(file: String, reason: String)
  /// Shorter than the 8-byte header length.
  case truncated(file: String, byteCount: Int)
  /// The header length points past the end of the file.
  case headerLengthExceedsFile(file: String, headerLength: UInt64, available: Int)
  /// The header is larger than the reader accepts.
  case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
  /// The header is not valid JSON.
  case invalidJSON(file: String, detail: String)
  /// The header is JSON but not a valid safetensors header (wrong types, missing fields).
  case invalidHeader(file: String, detail: String)
  /// A tensor's dtype is not one i2f supports.
  case unsupportedDType(file: String, tensor: String, dtype: String)
  /// A tensor's `data_offsets` run past the data section.
  case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataLength: Int)
  /// A tensor's `data_offsets` end before they begin.
  case offsetsReversed(file: String, tensor: String, begin: Int, end: Int)
  /// A tensor's byte range does not match its shape and dtype.
  case byteCountMismatch(file: String, tensor: String, begin: Int, end: Int, shape: [Int], dtype: SafeTensorsDType, needed: Int)
  /// Two tensors share bytes.
  case overlapping(file: String, tensor: String, other: String)
  /// A tensor the caller asked for is not in the file.
  case missingTensor(file: String, tensor: String, available: [String])
  /// A tensor has a dtype the accessor cannot convert.
  case wrongDType(file: String, tensor: String, dtype: SafeTensorsDType, expected: [SafeTensorsDType])
  /// A value does not fit the dtype it is stored as, or a shape does not match its values.
  case invalidTensor(file: String, tensor: String, detail: String)
  /// Writing the file failed (nothing is left at the destination).
  case writeFailed(file: String, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(file, reason):
      return "\(file): cannot read the file: \(reason)"
    case let .truncated(file, byteCount):
      return "\(file): truncated: \(byteCount) bytes, too short for the 8-byte header length of a safetensors file"
    case let .headerLengthExceedsFile(file, headerLength, available):
      return "\(file): header length \(headerLength) exceeds the \(available) bytes after it (truncated or not a safetensors file)"
    case let .headerTooLarge(file, headerLength, limit):
      return "\(file): header of \(headerLength) bytes is larger than the limit of \(limit) bytes"
    case let .invalidJSON(file, detail):
      return "\(file): header is not valid JSON: \(detail)"
    case let .invalidHeader(file, detail):
      return "\(file): invalid header: \(detail)"
    case let .unsupportedDType(file, tensor, dtype):
      return "\(file): tensor \"\(tensor)\" has unsupported dtype \(dtype) (supported: \(SafeTensorsDType.supportedList))"
    case let .offsetsOutOfRange(file, tensor, begin, end, dataLength):
      return "\(file): tensor \"\(tensor)\" has data_offsets [\(begin), \(end)] outside the \(dataLength)-byte data section"
    case let .offsetsReversed(file, tensor, begin, end):
      return "\(file): tensor \"\(tensor)\" has data_offsets [\(begin), \(end)] that end before they begin"
    case let .byteCountMismatch(file, tensor, begin, end, shape, dtype, needed):
      return "\(file): tensor \"\(tensor)\" has data_offsets [\(begin), \(end)] but shape \(Self.format(shape)) of \(dtype.rawValue) needs \(needed) bytes"
    case let .overlapping(file, tensor, other):
      return "\(file): tensors \"\(other)\" and \"\(tensor)\" have overlapping data_offsets"
    case let .missingTensor(file, tensor, available):
      let list = available.isEmpty ? "none" : available.joined(separator: ", ")
      return "\(file): no tensor \"\(tensor)\" (tensors in the file: \(list))"
    case let .wrongDType(file, tensor, dtype, expected):
      return "\(file): tensor \"\(tensor)\" is \(dtype.rawValue), expected \(expected.map(\.rawValue).joined(separator: " or "))"
    case let .invalidTensor(file, tensor, detail):
      return "\(file): tensor \"\(tensor)\": \(detail)"
    case let .writeFailed(file, reason):
      return "\(file): cannot write the file: \(reason)"
    }
  }

  /// `[12,1,5,5]`: a shape as written in messages.
  static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ",") + "]" }
}
