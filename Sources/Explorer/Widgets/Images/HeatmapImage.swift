/// An image to show as a heatmap: `channels × height × width` values, channel-major (CHW), the
/// layout of the models' tensors. One channel goes through a colour map, three are RGB.
public struct HeatmapImage: Hashable, Sendable {
  public let channels: Int
  public let height: Int
  public let width: Int
  /// `values[c * height * width + y * width + x]`.
  public let values: [Double]

  /// Why an image cannot be shown.
  public enum ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unsupportedChannels(Int)
    case emptyImage(height: Int, width: Int)
    case countMismatch(expected: Int, actual: Int)

    public var description: String {
      switch self {
      case .unsupportedChannels(let c): return "images need 1 or 3 channels, got \(c)"
      case .emptyImage(let h, let w): return "image of size \(h)×\(w) has no pixels"
      case .countMismatch(let e, let a): return "image needs \(e) values, got \(a)"
      }
    }
  }

  public init<S: BinaryFloatingPoint>(channels: Int, height: Int, width: Int, values: [S]) throws(ShapeError) {
    guard channels == 1 || channels == 3 else { throw .unsupportedChannels(channels) }
    guard height > 0, width > 0 else { throw .emptyImage(height: height, width: width) }
    let expected = channels * height * width
    guard values.count == expected else { throw .countMismatch(expected: expected, actual: values.count) }
    self.channels = channels
    self.height = height
    self.width = width
    self.values = values.map { Double($0) }
  }

  /// The value of channel `c` at (`x`, `y`).
  public func value(channel c: Int, x: Int, y: Int) -> Double { values[(c * height + y) * width + x] }

  /// Smallest and largest finite value (`0...1` when there is none); the default display range.
  public var valueRange: ClosedRange<Double> {
    var lo = Double.infinity
    var hi = -Double.infinity
    for v in values where v.isFinite {
      lo = Swift.min(lo, v)
      hi = Swift.max(hi, v)
    }
    return lo <= hi ? lo...hi : 0...1
  }

  /// Largest finite |value| (0 when none): the symmetric limit for signed maps.
  public var maxMagnitude: Double {
    values.reduce(0) { $1.isFinite ? Swift.max($0, abs($1)) : $0 }
  }
}
