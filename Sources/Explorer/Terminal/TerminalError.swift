/// Why the full-screen terminal could not be opened. Thrown by ``withTerminal(_:_:)`` before the
/// screen changes, so the caller can print ``description`` and exit normally.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Standard input or output is not a terminal (piped, redirected, run from a script).
  case notATerminal(stdinIsTerminal: Bool, stdoutIsTerminal: Bool)
  /// `TERM` is unset or empty and no terminal type was given.
  case noTerminalType
  /// curses has no terminfo entry for this terminal type.
  case unknownTerminalType(String)
  /// The terminal type cannot position the cursor (e.g. `dumb`), so no full-screen UI is possible.
  case cannotAddressCursor(String)
  /// A terminal session is already open in this process.
  case alreadyActive
  /// The terminal's file descriptors could not be duplicated (errno).
  case cannotOpenStreams(errno: Int32)

  public var description: String {
    switch self {
    case .notATerminal(let stdinTTY, let stdoutTTY):
      let which =
        !stdinTTY && !stdoutTTY
        ? "standard input and output are" : !stdoutTTY ? "standard output is" : "standard input is"
      return "the explorer needs an interactive terminal, but \(which) not a terminal; "
        + "run it in a terminal, or use the headless subcommands for scripts (see --help)"
    case .noTerminalType:
      return "TERM is not set, so the terminal type is unknown; set TERM (e.g. TERM=xterm-256color)"
    case .unknownTerminalType(let name):
      return "the terminal type '\(name)' is not known to this system's terminfo database; "
        + "try TERM=xterm-256color"
    case .cannotAddressCursor(let name):
      return "the terminal type '\(name)' cannot position the cursor, so the explorer cannot draw a screen; "
        + "use a full terminal (e.g. TERM=xterm-256color), or the headless subcommands"
    case .alreadyActive:
      return "a full-screen terminal session is already open"
    case .cannotOpenStreams(let e):
      return "could not open the terminal's input and output (errno \(e))"
    }
  }
}
