/// The always-visible bottom row: a mode badge (`PAUSED`, `RUNNING it 137/500`), the current
/// configuration or a transient message, and key hints on the right (`space run · n step · ? help`).
/// Hints are dropped from the right, then the middle text is cut, as the width shrinks.
public struct StatusBar: Widget, Hashable, Sendable {
  /// How the mode badge is coloured.
  public enum Tone: Hashable, Sendable {
    case neutral, active, paused, error
  }

  public var mode: String
  public var tone: Tone
  /// The configuration summary shown when there is no message.
  public var summary: String
  public var message: StatusMessage?
  public var hints: [KeyHint]

  public init(
    mode: String = "", tone: Tone = .neutral, summary: String = "", message: StatusMessage? = nil, hints: [KeyHint] = []
  ) {
    self.mode = mode
    self.tone = tone
    self.summary = summary
    self.message = message
    self.hints = hints
  }

  /// Smallest width kept for the summary before hints are dropped.
  static let minimumSummaryWidth = 12

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let row = rect.row(0)
    guard !row.isEmpty else { return }
    let theme = context.theme
    var x = row.x
    if !mode.isEmpty {
      let badgeStyle: CellStyle
      switch tone {
      case .neutral: badgeStyle = theme.badgeNeutral
      case .active: badgeStyle = theme.badgeActive
      case .paused: badgeStyle = theme.badgePaused
      case .error: badgeStyle = theme.badgeError
      }
      x = canvas.draw(" \(mode) ", at: Point(x: x, y: row.y), style: badgeStyle, clip: row)
      x += 1
    }
    // Hints that fit, leaving room for the middle text.
    var hintSpans: [TextSpan] = []
    for (i, hint) in hints.enumerated() {
      var candidate = hintSpans
      if i > 0 { candidate.append(TextSpan(context.glyphs.separator, style: theme.secondary)) }
      candidate.append(TextSpan(hint.keys, style: theme.key))
      candidate.append(TextSpan(" " + hint.label, style: theme.keyDescription))
      if candidate.width + 1 + Self.minimumSummaryWidth > row.maxX - x { break }
      hintSpans = candidate
    }
    let hintsWidth = hintSpans.width
    if hintsWidth > 0 { canvas.draw(hintSpans, at: Point(x: row.maxX - hintsWidth, y: row.y), clip: row) }
    let middle = Rect(x: x, y: row.y, width: row.maxX - x - (hintsWidth > 0 ? hintsWidth + 1 : 0), height: 1)
    if let message {
      let style: CellStyle
      switch message.severity {
      case .info: style = theme.text
      case .success: style = theme.success
      case .warning: style = theme.warning
      case .error: style = theme.error
      }
      canvas.draw(message.text, in: middle, style: style, ellipsis: context.glyphs.ellipsis)
    } else {
      canvas.draw(summary, in: middle, style: theme.secondary, ellipsis: context.glyphs.ellipsis)
    }
  }
}
