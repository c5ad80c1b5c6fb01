/// A 24-bit colour, 8 bits per channel.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// `0xRRGGBB`.
  public init(hex: UInt32) {
    self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
  }

  /// From channel values in 0...1 (clamped, rounded to nearest; NaN becomes 0).
  public init(unit r: Double, _ g: Double, _ b: Double) {
    func byte(_ v: Double) -> UInt8 {
      guard v.isFinite else { return v == .infinity ? 255 : 0 }
      return UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded())
    }
    self.init(byte(r), byte(g), byte(b))
  }

  public static let black = RGB(0, 0, 0)
  public static let white = RGB(255, 255, 255)

  /// `0xRRGGBB`, the number a direct-colour terminal takes as a colour.
  public var hex: UInt32 { UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b) }

  /// `#rrggbb`.
  public var description: String {
    let digits = String(hex, radix: 16)
    return "#" + String(repeating: "0", count: 6 - digits.count) + digits
  }

  /// Linear interpolation in RGB, `t` clamped to 0...1.
  public static func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB {
    let u = t.isFinite ? Swift.min(Swift.max(t, 0), 1) : 0
    func lerp(_ x: UInt8, _ y: UInt8) -> UInt8 {
      UInt8((Double(x) + (Double(y) - Double(x)) * u).rounded())
    }
    return RGB(lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b))
  }

  /// Rec. 601 luma in 0...1, for turning colour into a grey level.
  public var luma: Double { (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255 }
}
