extension Unicode.Scalar {
  /// How many terminal columns the scalar takes: 1 for ordinary text (including box drawing,
  /// blocks, braille and Greek, which we treat as narrow), 0 for combining marks and invisible
  /// format characters, 2 for East Asian wide/fullwidth characters and emoji, and `nil` for
  /// control characters, which must never reach the terminal.
  public var terminalColumnWidth: Int? {
    let v = value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return nil }
    if v < 0x300 { return 1 }  // Latin-1 and Latin Extended; soft hyphen shows as 1 too
    switch properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    case .control, .lineSeparator, .paragraphSeparator, .surrogate: return nil
    default: break
    }
    if properties.isEmojiPresentation { return 2 }
    if Self.isEastAsianWide(v) { return 2 }
    return 1
  }

  /// East Asian Wide and Fullwidth blocks (UAX #11), the ranges wcwidth() reports as 2.
  private static func isEastAsianWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
      0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
      0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18AFF,
      0x1B000...0x1B2FF, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD,
      0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}

/// How the canvas turns arbitrary text into one-column cells. Wide characters, control characters
/// and anything else a terminal would not draw in exactly one column are replaced, zero-width
/// marks are dropped, so a string can never shift the columns after it.
public enum TextCells {
  /// Stand-in for a scalar that cannot occupy exactly one column.
  public static let substitute: Unicode.Scalar = "?"

  /// The one-column scalars `text` turns into.
  public static func scalars(_ text: String) -> [Unicode.Scalar] {
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(text.unicodeScalars.count)
    for s in text.unicodeScalars {
      switch s.terminalColumnWidth {
      case 1?: out.append(s)
      case 0?: continue
      default: out.append(substitute)
      }
    }
    return out
  }
}

extension String {
  /// Columns the string occupies when drawn on a canvas (see ``TextCells``).
  public var terminalWidth: Int {
    var n = 0
    for s in unicodeScalars where s.terminalColumnWidth != 0 { n += 1 }
    return n
  }

  /// The string cut to at most `width` columns; when it is cut, the last column becomes `ellipsis`.
  /// Operates on the canvas's one-column scalars, so the result's width is exact.
  public func truncated(toWidth width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    let cells = TextCells.scalars(self)
    if cells.count <= width { return String(String.UnicodeScalarView(cells)) }
    let tail = TextCells.scalars(ellipsis)
    let keep = Swift.max(0, width - tail.count)
    let kept = Array(cells.prefix(keep)) + tail.prefix(width)
    return String(String.UnicodeScalarView(kept.prefix(width)))
  }

  /// The string padded with spaces (or truncated) to exactly `width` columns.
  public func padded(toWidth width: Int, alignment: TextAlignment = .leading) -> String {
    let s = truncated(toWidth: width)
    let pad = Swift.max(0, width - s.terminalWidth)
    switch alignment {
    case .leading: return s + String(repeating: " ", count: pad)
    case .trailing: return String(repeating: " ", count: pad) + s
    case .center:
      return String(repeating: " ", count: pad / 2) + s + String(repeating: " ", count: pad - pad / 2)
    }
  }
}

/// Horizontal placement of text inside a width.
public enum TextAlignment: Hashable, Sendable {
  case leading, center, trailing
}
