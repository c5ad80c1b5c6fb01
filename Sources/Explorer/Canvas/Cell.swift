/// A colour as a cell stores it: the terminal's own default, an index into the terminal palette
/// (0–15 are the user's themed ANSI colours, 16–255 the fixed xterm cube and grey ramp), or RGB
/// (shown exactly in direct-colour mode, otherwise quantised by the backend).
public enum TerminalColor: Hashable, Sendable, CustomStringConvertible {
  case `default`
  case palette(UInt8)
  case rgb(RGB)

  public var description: String {
    switch self {
    case .default: return "-"
    case .palette(let i): return "\(i)"
    case .rgb(let c): return c.description
    }
  }
}

/// Text attributes a cell can carry; all four are honoured by every terminal we target.
public struct TextAttributes: OptionSet, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let bold = TextAttributes(rawValue: 1 << 0)
  public static let dim = TextAttributes(rawValue: 1 << 1)
  public static let reverse = TextAttributes(rawValue: 1 << 2)
  public static let underline = TextAttributes(rawValue: 1 << 3)

  public var description: String {
    var names: [String] = []
    if contains(.bold) { names.append("bold") }
    if contains(.dim) { names.append("dim") }
    if contains(.reverse) { names.append("reverse") }
    if contains(.underline) { names.append("underline") }
    return names.joined(separator: ",")
  }
}

/// Foreground, background and attributes of a cell.
public struct CellStyle: Hashable, Sendable, CustomStringConvertible {
  public var foreground: TerminalColor
  public var background: TerminalColor
  public var attributes: TextAttributes

  public init(
    foreground: TerminalColor = .default, background: TerminalColor = .default,
    attributes: TextAttributes = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// Default colours, no attributes.
  public static let plain = CellStyle()

  /// A copy with `attributes` added.
  public func adding(_ extra: TextAttributes) -> CellStyle {
    var s = self
    s.attributes.formUnion(extra)
    return s
  }

  /// A copy with a different foreground.
  public func with(foreground: TerminalColor) -> CellStyle {
    var s = self
    s.foreground = foreground
    return s
  }

  /// A copy with a different background.
  public func with(background: TerminalColor) -> CellStyle {
    var s = self
    s.background = background
    return s
  }

  /// `fg:196 bg:- bold`, as used in snapshot legends.
  public var description: String {
    var s = "fg:\(foreground) bg:\(background)"
    if !attributes.isEmpty { s += " " + attributes.description }
    return s
  }
}

/// One terminal cell: a single-column Unicode scalar and its style. The canvas guarantees that
/// every stored scalar occupies exactly one column (see ``Unicode/Scalar/terminalColumnWidth``).
public struct Cell: Hashable, Sendable {
  public var scalar: Unicode.Scalar
  public var style: CellStyle

  public init(_ scalar: Unicode.Scalar, style: CellStyle = .plain) {
    self.scalar = scalar
    self.style = style
  }

  /// A space in the default style.
  public static let blank = Cell(" ")
}
