/// The element types i2f reads and writes in safetensors files, named as in the file header.
///
/// Wider than `Autodiff.DType` (which names only the float types a `Tensor` can hold) because
/// data sets and PyTorch `state_dict`s also carry integer tensors (labels, pixel bytes,
/// `num_batches_tracked`).
public enum SafeTensorsDType: String, Sendable, CaseIterable, Codable {
  case f32 = "F32", f64 = "F64", i64 = "I64", i32 = "I32", u8 = "U8"

  /// Bytes per element.
  public var byteCount: Int {
    switch self {
    case .u8: return 1
    case .f32, .i32: return 4
    case .f64, .i64: return 8
    }
  }

  /// Whether the elements are floating point (readable as a `Tensor`).
  public var isFloatingPoint: Bool { self == .f32 || self == .f64 }

  /// The names of all supported dtypes, for error messages.
  static var supportedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
