/// The integer scale an image is drawn at: nearest-neighbour ×k up, or k×k averaging down.
public struct ImageScale: Hashable, Sendable, CustomStringConvertible {
  public let factor: Int
  public let isReduction: Bool

  public static let identity = ImageScale(factor: 1, isReduction: false)
  public static func enlarged(_ k: Int) -> ImageScale { ImageScale(factor: Swift.max(1, k), isReduction: false) }
  public static func reduced(_ k: Int) -> ImageScale { ImageScale(factor: Swift.max(1, k), isReduction: k > 1) }

  /// Pixels along an axis of `n` source pixels after scaling.
  public func scaled(_ n: Int) -> Int { isReduction ? (n + factor - 1) / factor : n * factor }

  /// The scale as a number (0.5 for ×½).
  public var value: Double { isReduction ? 1 / Double(factor) : Double(factor) }

  /// `×2`, `×½`, `×¼` (ASCII: `x2`, `x1/2`), for the pane title.
  public func label(glyphs: GlyphSet = .unicode) -> String {
    if !isReduction { return "\(glyphs.times)\(factor)" }
    if glyphs.isUnicode {
      switch factor {
      case 2: return "×½"
      case 3: return "×⅓"
      case 4: return "×¼"
      case 8: return "×⅛"
      default: break
      }
    }
    return "\(glyphs.times)1/\(factor)"
  }

  public var description: String { label() }
}

extension ImageScale: Comparable {
  /// Orders by magnification: ×¼ < ×½ < ×1 < ×2.
  public static func < (a: ImageScale, b: ImageScale) -> Bool { a.value < b.value }
}
