/// Everything a widget needs to know about the terminal and the look: the colour mode, the glyph
/// set and the chrome theme. Resolved once at start-up (``CursesTerminal/renderContext``), passed
/// down through every view; tests build one directly.
public struct RenderContext: Hashable, Sendable {
  public var colorMode: ColorMode
  public var glyphs: GlyphSet
  public var theme: Theme

  public init(colorMode: ColorMode, glyphs: GlyphSet, theme: Theme? = nil) {
    self.colorMode = colorMode
    self.glyphs = glyphs
    self.theme = theme ?? .standard(for: colorMode)
  }

  /// 256 colours and Unicode glyphs: what most terminals give.
  public static let standard = RenderContext(colorMode: .xterm256, glyphs: .unicode)
  /// No colour, ASCII glyphs: the most degraded terminal.
  public static let plainASCII = RenderContext(colorMode: .none, glyphs: .ascii)
}
