/// The styles of the UI chrome — frames, titles, labels, hints, badges, messages — by role.
/// Separate from data colours (``Colormap``): chrome uses the user's themed ANSI colours and the
/// terminal's default background, so the app fits their terminal; data uses fixed palette colours
/// so a value always looks the same.
public struct Theme: Hashable, Sendable {
  /// Body text.
  public var text: CellStyle
  /// Secondary text: units, captions, counts.
  public var secondary: CellStyle
  /// Keys of key–value tables.
  public var label: CellStyle
  /// Numbers and other values beside their labels.
  public var value: CellStyle
  /// Section headings inside panels and overlays.
  public var heading: CellStyle
  public var frame: CellStyle
  public var focusedFrame: CellStyle
  public var title: CellStyle
  public var focusedTitle: CellStyle
  /// Highlights: chart markers, the selected direction, the current item's pointer.
  public var accent: CellStyle
  /// Lines of sparklines and charts.
  public var chart: CellStyle
  /// Key names in hints and help.
  public var key: CellStyle
  /// Descriptions next to key names.
  public var keyDescription: CellStyle
  /// The selected row of a list.
  public var selection: CellStyle
  /// Actions that cannot be taken now, and their reasons.
  public var disabled: CellStyle
  public var success: CellStyle
  public var warning: CellStyle
  public var error: CellStyle
  /// The mode badge at the left of the status bar, by tone.
  public var badgeNeutral: CellStyle
  public var badgeActive: CellStyle
  public var badgePaused: CellStyle
  public var badgeError: CellStyle

  /// The default theme for a terminal in `mode`: ANSI chrome colours where available,
  /// attributes alone when there is no colour. Direct-colour terminfo entries address only ANSI
  /// colours 0–7 by number (higher numbers are RGB), so they get the eight-colour variant.
  public static func standard(for mode: ColorMode) -> Theme {
    switch mode {
    case .none: return .monochrome
    case .ansi8, .direct: return .ansi(hasBrightColors: false)
    case .ansi16, .xterm256: return .ansi(hasBrightColors: true)
    }
  }

  /// Attributes only, for NO_COLOR and colourless terminals.
  public static let monochrome = Theme(
    text: .plain, secondary: CellStyle(attributes: .dim), label: .plain,
    value: CellStyle(attributes: .bold), heading: CellStyle(attributes: [.bold, .underline]),
    frame: .plain, focusedFrame: CellStyle(attributes: .bold), title: .plain,
    focusedTitle: CellStyle(attributes: [.bold, .reverse]), accent: CellStyle(attributes: .bold),
    chart: .plain, key: CellStyle(attributes: .bold), keyDescription: .plain,
    selection: CellStyle(attributes: .reverse), disabled: CellStyle(attributes: .dim), success: .plain,
    warning: CellStyle(attributes: .bold), error: CellStyle(attributes: [.bold, .underline]),
    badgeNeutral: CellStyle(attributes: [.reverse]), badgeActive: CellStyle(attributes: [.reverse, .bold]),
    badgePaused: CellStyle(attributes: [.reverse]), badgeError: CellStyle(attributes: [.reverse, .bold, .underline]))

  /// ANSI colours on the default background. `hasBrightColors` selects bright black (8) for
  /// frames; with only eight colours frames are dimmed default text instead.
  public static func ansi(hasBrightColors: Bool) -> Theme {
    let black = TerminalColor.palette(0)
    let red = TerminalColor.palette(1)
    let green = TerminalColor.palette(2)
    let yellow = TerminalColor.palette(3)
    let cyan = TerminalColor.palette(6)
    let frame = hasBrightColors ? CellStyle(foreground: .palette(8)) : CellStyle(attributes: .dim)
    return Theme(
      text: .plain, secondary: CellStyle(attributes: .dim), label: .plain,
      value: CellStyle(attributes: .bold), heading: CellStyle(attributes: .bold),
      frame: frame, focusedFrame: CellStyle(foreground: cyan), title: CellStyle(attributes: .bold),
      focusedTitle: CellStyle(foreground: cyan, attributes: .bold), accent: CellStyle(foreground: yellow),
      chart: CellStyle(foreground: cyan), key: CellStyle(foreground: cyan, attributes: .bold),
      keyDescription: .plain, selection: CellStyle(attributes: .reverse),
      disabled: CellStyle(attributes: .dim), success: CellStyle(foreground: green),
      warning: CellStyle(foreground: yellow), error: CellStyle(foreground: red, attributes: .bold),
      badgeNeutral: CellStyle(attributes: [.reverse, .bold]),
      badgeActive: CellStyle(foreground: black, background: green, attributes: .bold),
      badgePaused: CellStyle(foreground: black, background: yellow, attributes: .bold),
      badgeError: CellStyle(foreground: black, background: red, attributes: .bold))
  }
}
