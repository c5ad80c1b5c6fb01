/// A colour map from a normalised value `t` in 0...1 to a colour: RGB interpolated between evenly
/// spaced anchors for direct colour, and a precomputed 256-entry lookup table of palette indices for
/// 256-colour terminals. Data colours only; UI chrome colours live in ``Theme``.
public struct Colormap: Hashable, Sendable {
  /// How LUT entries are matched to the palette.
  public enum Matching: Hashable, Sendable {
    /// Exact Euclidean-RGB nearest (``XTerm256/nearest(_:)``); best for grey ramps.
    case rgb
    /// CIE76-nearest in Lab; keeps multi-hue maps from collapsing onto a few muted colours.
    case lab
  }

  public let name: String
  /// Evenly spaced stops from t = 0 to t = 1.
  public let anchors: [RGB]
  /// True for maps centred on a neutral value (signed data).
  public let isDiverging: Bool
  /// Palette index for each of 256 equal bins of 0...1.
  public let lut256: [UInt8]

  public init(name: String, anchors: [RGB], isDiverging: Bool = false, matching: Matching) {
    precondition(anchors.count >= 2, "a colormap needs at least two anchors")
    self.name = name
    self.anchors = anchors
    self.isDiverging = isDiverging
    var lut: [UInt8] = []
    lut.reserveCapacity(256)
    for i in 0..<256 {
      let c = Self.interpolate(anchors, Double(i) / 255)
      lut.append(matching == .rgb ? XTerm256.nearest(c) : CIELab.nearestPaletteIndex(c))
    }
    self.lut256 = lut
  }

  private static func interpolate(_ anchors: [RGB], _ t: Double) -> RGB {
    let u = t.isFinite ? Swift.min(Swift.max(t, 0), 1) : 0
    let scaled = u * Double(anchors.count - 1)
    let i = Swift.min(Int(scaled), anchors.count - 2)
    return RGB.mix(anchors[i], anchors[i + 1], scaled - Double(i))
  }

  /// The interpolated colour at `t` (clamped to 0...1).
  public func rgb(at t: Double) -> RGB { Self.interpolate(anchors, t) }

  /// The 256-colour palette index at `t` (clamped; NaN counts as 0).
  public func paletteIndex(at t: Double) -> UInt8 {
    let u = t.isFinite ? Swift.min(Swift.max(t, 0), 1) : 0
    return lut256[Swift.min(255, Int(u * 256))]
  }

  /// The colour at `t` for a terminal in `mode`: exact RGB in direct mode, the LUT entry in
  /// 256-colour mode, and `.default` below that (images then use a character ramp instead).
  public func color(at t: Double, mode: ColorMode) -> TerminalColor {
    switch mode {
    case .direct: return .rgb(rgb(at: t))
    case .xterm256: return .palette(paletteIndex(at: t))
    case .none, .ansi8, .ansi16: return .default
    }
  }

  /// The colour of a signed value on a symmetric range `[-limit, limit]`: `t = ½ + ½·value/limit`,
  /// except that an exact zero is pure white (palette 231), so "no error" is unmistakable.
  public func color(signed value: Double, limit: Double, mode: ColorMode) -> TerminalColor {
    if value == 0 {
      switch mode {
      case .direct: return .rgb(.white)
      case .xterm256: return .palette(231)
      case .none, .ansi8, .ansi16: return .default
      }
    }
    return color(at: Self.signedPosition(value, limit: limit), mode: mode)
  }

  /// Where a signed value falls in 0...1 on the symmetric range `[-limit, limit]`.
  public static func signedPosition(_ value: Double, limit: Double) -> Double {
    guard value.isFinite else { return value > 0 ? 1 : 0 }
    guard limit > 0, limit.isFinite else { return value > 0 ? 1 : value < 0 ? 0 : 0.5 }
    return 0.5 + 0.5 * Swift.min(Swift.max(value / limit, -1), 1)
  }

  // MARK: - The maps

  /// Black to white.
  public static let grays = Colormap(name: "grays", anchors: [.black, .white], matching: .rgb)

  /// matplotlib's viridis (nine anchors): perceptually uniform, readable for colour-blind users.
  public static let viridis = Colormap(
    name: "viridis",
    anchors: [0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725]
      .map { RGB(hex: $0) },
    matching: .lab)

  /// matplotlib's RdBu_r: blue for negative, near-white at zero, red for positive.
  public static let redBlue = Colormap(
    name: "RdBu_r",
    anchors: [0x053061, 0x2A71B2, 0x6BACD1, 0xC2DDEC, 0xF7F6F6, 0xFBCCB4, 0xE48066, 0xBA2832, 0x67001F]
      .map { RGB(hex: $0) },
    isDiverging: true, matching: .lab)
}
