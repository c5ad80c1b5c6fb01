/// A piece of text with one style, for lines that mix styles (a key hint, a label and a value).
public struct TextSpan: Hashable, Sendable {
  public var text: String
  public var style: CellStyle

  public init(_ text: String, style: CellStyle = .plain) {
    self.text = text
    self.style = style
  }

  /// Columns the span occupies.
  public var width: Int { text.terminalWidth }
}

extension Array where Element == TextSpan {
  /// Columns all spans occupy together.
  public var width: Int { reduce(0) { $0 + $1.width } }
}
