import Foundation

/// Choices that shape the terminal session, usually from command-line flags.
public struct TerminalOptions: Sendable {
  /// `--no-color`: attributes only, even on a colour terminal.
  public var noColor: Bool
  /// Richest colour mode to use (e.g. `.xterm256` to avoid direct colour).
  public var colorLimit: ColorMode
  /// `--ascii`: ASCII glyphs even under a UTF-8 locale.
  public var asciiOnly: Bool
  /// Report mouse clicks and the wheel (`--no-mouse` turns it off).
  public var mouse: Bool
  /// Terminal type passed to curses instead of `$TERM` (e.g. `xterm-direct` for 24-bit colour).
  public var terminalType: String?
  /// Where standard error goes while the screen is in curses mode; `nil` picks
  /// ``defaultLogPath(environment:)``.
  public var logPath: String?
  /// Milliseconds curses waits after Esc for the rest of an escape sequence (its default, 1000,
  /// makes Esc feel broken).
  public var escapeDelay: Int32
  /// The environment the colour ladder reads (`NO_COLOR`, `TERM`).
  public var environment: [String: String]

  public init(
    noColor: Bool = false, colorLimit: ColorMode = .direct, asciiOnly: Bool = false, mouse: Bool = true,
    terminalType: String? = nil, logPath: String? = nil, escapeDelay: Int32 = 25,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.noColor = noColor
    self.colorLimit = colorLimit
    self.asciiOnly = asciiOnly
    self.mouse = mouse
    self.terminalType = terminalType
    self.logPath = logPath
    self.escapeDelay = escapeDelay
    self.environment = environment
  }

  /// `$XDG_STATE_HOME/i2f/explore.log`, else `$HOME/.local/state/i2f/explore.log`, else
  /// `/tmp/i2f-explore.log`.
  public static func defaultLogPath(environment: [String: String]) -> String {
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/i2f/explore.log" }
    if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.local/state/i2f/explore.log" }
    return "/tmp/i2f-explore.log"
  }
}
