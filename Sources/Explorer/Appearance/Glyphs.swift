/// The characters of a box or panel frame.
public struct BoxGlyphs: Hashable, Sendable {
  public var horizontal: Unicode.Scalar
  public var vertical: Unicode.Scalar
  public var topLeft: Unicode.Scalar
  public var topRight: Unicode.Scalar
  public var bottomLeft: Unicode.Scalar
  public var bottomRight: Unicode.Scalar
  /// `├`: a horizontal rule meeting the left side.
  public var teeRight: Unicode.Scalar
  /// `┤`: a horizontal rule meeting the right side.
  public var teeLeft: Unicode.Scalar

  public init(
    horizontal: Unicode.Scalar, vertical: Unicode.Scalar, topLeft: Unicode.Scalar,
    topRight: Unicode.Scalar, bottomLeft: Unicode.Scalar, bottomRight: Unicode.Scalar,
    teeRight: Unicode.Scalar, teeLeft: Unicode.Scalar
  ) {
    self.horizontal = horizontal
    self.vertical = vertical
    self.topLeft = topLeft
    self.topRight = topRight
    self.bottomLeft = bottomLeft
    self.bottomRight = bottomRight
    self.teeRight = teeRight
    self.teeLeft = teeLeft
  }

  /// `┌─┐ │ └─┘`
  public static let light = BoxGlyphs(
    horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
    teeRight: "├", teeLeft: "┤")
  /// `╭─╮ │ ╰─╯` (lazygit, btop)
  public static let rounded = BoxGlyphs(
    horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
    teeRight: "├", teeLeft: "┤")
  /// `┏━┓ ┃ ┗━┛`
  public static let heavy = BoxGlyphs(
    horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛",
    teeRight: "┣", teeLeft: "┫")
  /// `+-+ | +-+` for terminals without a UTF-8 locale.
  public static let ascii = BoxGlyphs(
    horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
    teeRight: "+", teeLeft: "+")
}

/// Every character the widgets draw that is not plain ASCII text, in two sets: Unicode (the default
/// under a UTF-8 locale) and ASCII (no UTF-8 locale, or the user asked for it, like htop's `-U`).
/// Chosen once at start-up; widgets never test the locale themselves.
public struct GlyphSet: Hashable, Sendable {
  /// True for the Unicode set: half blocks, braille and eighth blocks are available.
  public var isUnicode: Bool
  /// Panel and overlay frames.
  public var box: BoxGlyphs
  /// Frame of the focused panel.
  public var focusedBox: BoxGlyphs
  /// Marks cut text.
  public var ellipsis: String
  /// Between items of a one-line list (status hints, configuration summary).
  public var separator: String
  /// Nine bar heights from empty to full (sparklines, meters).
  public var barLevels: [Unicode.Scalar]
  /// Partial cells of a horizontal bar, one to seven eighths (empty for ASCII).
  public var horizontalEighths: [Unicode.Scalar]
  /// A full cell of a horizontal bar.
  public var fullBlock: Unicode.Scalar
  /// An empty part of a progress bar.
  public var barTrack: Unicode.Scalar
  /// Frames of the busy spinner.
  public var spinner: [Unicode.Scalar]
  public var arrowUp: String
  public var arrowDown: String
  public var arrowLeft: String
  public var arrowRight: String
  /// Multiplication sign in "×2", "64×64".
  public var times: String
  /// A pointer under a chart at the selected x.
  public var marker: Unicode.Scalar
  /// Scroll bar track and thumb.
  public var scrollTrack: Unicode.Scalar
  public var scrollThumb: Unicode.Scalar

  public static let unicode = GlyphSet(
    isUnicode: true, box: .rounded, focusedBox: .rounded, ellipsis: "…", separator: " · ",
    barLevels: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
    horizontalEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], fullBlock: "█", barTrack: "·",
    spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
    arrowUp: "↑", arrowDown: "↓", arrowLeft: "←", arrowRight: "→", times: "×", marker: "▲",
    scrollTrack: "│", scrollThumb: "┃")

  public static let ascii = GlyphSet(
    isUnicode: false, box: .ascii,
    focusedBox: BoxGlyphs(
      horizontal: "=", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
      teeRight: "+", teeLeft: "+"),
    ellipsis: "~", separator: " | ",
    barLevels: [" ", ".", ",", ":", "-", "=", "+", "*", "#"],
    horizontalEighths: [], fullBlock: "#", barTrack: ".",
    spinner: ["|", "/", "-", "\\"],
    arrowUp: "^", arrowDown: "v", arrowLeft: "<", arrowRight: ">", times: "x", marker: "^",
    scrollTrack: "|", scrollThumb: "#")

  /// Luminance ramp for images without colour, dark to light (10 levels).
  public static let imageRamp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
}
