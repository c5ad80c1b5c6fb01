/// What the terminal can show, from nothing to 24-bit colour. Resolved once at start-up (see
/// ``resolve(environment:noColorFlag:hasColors:colorCount:limit:)``) and carried in the
/// ``RenderContext``; widgets choose glyphs and colours from it and never probe the terminal.
public enum ColorMode: Int, Comparable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// Attributes only (bold, dim, reverse, underline); images become character ramps.
  case none
  /// The eight ANSI colours (user-themed).
  case ansi8
  /// The sixteen ANSI colours (user-themed).
  case ansi16
  /// The xterm 256-colour palette: fixed 6×6×6 cube and grey ramp at 16–255.
  case xterm256
  /// 24-bit RGB (`COLORS` ≥ 2²⁴, a `*-direct` terminfo entry).
  case direct

  public static func < (a: ColorMode, b: ColorMode) -> Bool { a.rawValue < b.rawValue }

  public var description: String {
    switch self {
    case .none: return "no colour"
    case .ansi8: return "8 colours"
    case .ansi16: return "16 colours"
    case .xterm256: return "256 colours"
    case .direct: return "24-bit colour"
    }
  }

  /// True when images are drawn as coloured half blocks (two pixels per cell); otherwise they fall
  /// back to a character ramp, because the ANSI colours are themed and say nothing about values.
  public var drawsImagesInColor: Bool { self >= .xterm256 }

  /// The colour ladder: `none` when `NO_COLOR` is set to a non-empty value (no-color.org), when
  /// `--no-color` was given, when `TERM` is `dumb` or when curses reports no colours; otherwise the
  /// richest mode `colorCount` (curses' `COLORS`) allows, capped at `limit`.
  public static func resolve(
    environment: [String: String], noColorFlag: Bool, hasColors: Bool, colorCount: Int,
    limit: ColorMode = .direct
  ) -> ColorMode {
    if let value = environment["NO_COLOR"], !value.isEmpty { return .none }
    if noColorFlag || !hasColors { return .none }
    if environment["TERM"] == "dumb" { return .none }
    let supported: ColorMode
    switch colorCount {
    case (1 << 24)...: supported = .direct
    case 256...: supported = .xterm256
    case 16...: supported = .ansi16
    case 8...: supported = .ansi8
    default: supported = .none
    }
    return Swift.min(supported, limit)
  }
}
