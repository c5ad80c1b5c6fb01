internal import CNCursesW

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with the terminal in full-screen curses mode and always restores it afterwards —
/// on return, on a thrown error, and (through signal handlers) on crashes. Ctrl-C arrives as a
/// key and SIGTERM/SIGHUP as ``CursesTerminal/terminationSignal``, so `body` can end normally.
///
/// ```swift
/// try withTerminal(TerminalOptions(noColor: flags.noColor)) { terminal in
///   var model = Model()
///   while !model.quit {
///     terminal.draw(view(model, size: terminal.size, context: terminal.renderContext))
///     if let key = terminal.nextKey(timeout: .milliseconds(50)) { model = update(model, .key(key)) }
///     else { model = update(model, .tick) }
///   }
/// }
/// ```
///
/// Throws ``TerminalError`` before touching the screen when there is no terminal (print its
/// `description` and exit), or rethrows what `body` throws after the terminal is restored.
/// Curses is not thread-safe: call the terminal only from the thread running `body` (it is not
/// `Sendable`, so the compiler keeps it there).
@discardableResult
public func withTerminal<R>(
  _ options: TerminalOptions = TerminalOptions(), _ body: (CursesTerminal) throws -> R
) throws -> R {
  let terminal = try CursesTerminal(options: options)
  defer { terminal.close() }
  return try body(terminal)
}

/// The full-screen terminal while ``withTerminal(_:_:)`` runs: draws canvases, reads keys.
/// The only code that talks to curses.
public final class CursesTerminal {
  /// Colour mode, glyph set and theme, resolved once at start-up.
  public let renderContext: RenderContext
  /// Current screen size; updated when a ``Key/resize(_:)`` is returned.
  public private(set) var size: Size
  /// Where standard error goes while the screen is in curses mode (nil: discarded).
  public let logPath: String?
  /// True when mouse events are reported.
  public let reportsMouse: Bool

  private let screen: OpaquePointer
  private let input: UnsafeMutablePointer<FILE>
  private let output: UnsafeMutablePointer<FILE>
  private let stderrRedirection: StandardErrorRedirection
  /// `[scalar, 0]` for `setcchar`, allocated once.
  private let wideBuffer: UnsafeMutablePointer<wchar_t>
  private var lastFrame: Canvas?
  private var needsFullRedraw = true
  private var isOpen = true

  /// One session per process: curses has one current screen and our signal handlers one set of
  /// saved actions. Only the thread that opens a session touches this.
  nonisolated(unsafe) private static var isActive = false

  /// Opens the session in the tested order: TTY and `TERM` checks (nothing changed yet), locale
  /// (C.UTF-8 fallback), signal handlers and stderr redirection, `newterm`, a cursor-addressing
  /// check, input modes, colours behind `has_colors`, mouse.
  init(options: TerminalOptions) throws(TerminalError) {
    guard !Self.isActive else { throw .alreadyActive }
    // Refuse before changing anything in the process.
    let stdinTTY = isatty(0) != 0
    let stdoutTTY = isatty(1) != 0
    guard stdinTTY && stdoutTTY else { throw .notATerminal(stdinIsTerminal: stdinTTY, stdoutIsTerminal: stdoutTTY) }
    let terminalType = options.terminalType ?? options.environment["TERM"] ?? ""
    guard !terminalType.isEmpty else { throw .noTerminalType }

    // Before any curses call: wide characters need a UTF-8 LC_CTYPE (else ▀ and box lines vanish).
    setlocale(LC_ALL, "")
    var unicode = Self.localeIsUTF8()
    if !unicode {
      setlocale(LC_CTYPE, "C.UTF-8")
      unicode = Self.localeIsUTF8()
    }
    // Numbers are formatted the same whatever the user's locale.
    setlocale(LC_NUMERIC, "C")

    // Private duplicates of 0 and 1, so closing the FILEs at the end leaves the process's own open.
    let inFD = dup(0)
    let outFD = dup(1)
    guard inFD >= 0, outFD >= 0, let input = fdopen(inFD, "r"), let output = fdopen(outFD, "w") else {
      let e = errno
      if inFD >= 0 { closeDescriptor(inFD) }
      if outFD >= 0 { closeDescriptor(outFD) }
      throw .cannotOpenStreams(errno: e)
    }

    let redirection = StandardErrorRedirection(
      path: options.logPath ?? TerminalOptions.defaultLogPath(environment: options.environment))
    TerminalRestoration.install(originalStderr: redirection.original, logPath: redirection.logPath)
    func abandon() {
      TerminalRestoration.uninstall()
      redirection.restore()
      fclose(input)
      fclose(output)
    }
    guard let screen = newterm(terminalType, output, input) else {
      abandon()
      throw .unknownTerminalType(terminalType)
    }
    // A terminal that cannot move the cursor (TERM=dumb, printing terminals) cannot show a screen.
    guard let cup = tigetstr("cup"), Int(bitPattern: cup) != -1 else {
      endwin()
      delscreen(screen)
      abandon()
      throw .cannotAddressCursor(terminalType)
    }
    TerminalRestoration.setCursesActive(true)
    Self.isActive = true

    cbreak()
    noecho()
    keypad(nc_stdscr(), true)
    curs_set(0)
    set_escdelay(options.escapeDelay)

    let terminfoColors = Int(tigetnum("colors"))
    let mode = ColorMode.resolve(
      environment: options.environment, noColorFlag: options.noColor, hasColors: has_colors(),
      colorCount: terminfoColors, limit: options.colorLimit)
    if mode != .none {
      start_color()
      use_default_colors()
    }
    if options.mouse {
      mousemask(nc_mouse_events(), nil)
      mouseinterval(0)
    }

    var rows: Int32 = 0
    var cols: Int32 = 0
    nc_getmaxyx(nc_stdscr(), &rows, &cols)
    self.size = Size(width: Int(cols), height: Int(rows))
    self.renderContext = RenderContext(colorMode: mode, glyphs: unicode && !options.asciiOnly ? .unicode : .ascii)
    self.logPath = redirection.logPath
    self.reportsMouse = options.mouse
    self.screen = screen
    self.input = input
    self.output = output
    self.stderrRedirection = redirection
    self.wideBuffer = .allocate(capacity: 2)
    self.wideBuffer.initialize(repeating: 0, count: 2)
  }

  deinit {
    close()
    wideBuffer.deallocate()
  }

  private static func localeIsUTF8() -> Bool {
    guard let codeset = nc_codeset() else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }

  /// Leaves curses mode and restores everything `init` changed. Idempotent.
  func close() {
    guard isOpen else { return }
    isOpen = false
    if reportsMouse { mousemask(0, nil) }
    TerminalRestoration.setCursesActive(false)
    endwin()
    delscreen(screen)
    fclose(input)
    fclose(output)
    stderrRedirection.restore()
    TerminalRestoration.uninstall()
    Self.isActive = false
  }

  /// Makes the next ``draw(_:)`` repaint every cell from scratch (Ctrl-L).
  public func invalidate() {
    needsFullRedraw = true
    clearok(nc_stdscr(), true)
  }

  /// Shows `canvas`: cells that differ from the previous frame are written (all of them after a
  /// resize or ``invalidate()``), clipped to the screen, then the screen is refreshed.
  public func draw(_ canvas: Canvas) {
    guard isOpen else { return }
    let window = nc_stdscr()
    let full = needsFullRedraw || lastFrame?.size != canvas.size
    if full { werase(window) }
    let rows = Swift.min(canvas.height, size.height)
    let cols = Swift.min(canvas.width, size.width)
    for y in 0..<rows {
      for x in 0..<cols {
        let cell = canvas[x, y]
        if !full, let last = lastFrame, last[x, y] == cell { continue }
        write(cell, x: Int32(x), y: Int32(y), window: window)
      }
    }
    wrefresh(window)
    lastFrame = canvas
    needsFullRedraw = false
  }

  private func write(_ cell: Cell, x: Int32, y: Int32, window: UnsafeMutablePointer<WINDOW>?) {
    var attrs = nc_a_normal()
    let a = cell.style.attributes
    if a.contains(.bold) { attrs |= nc_a_bold() }
    if a.contains(.dim) { attrs |= nc_a_dim() }
    if a.contains(.reverse) { attrs |= nc_a_reverse() }
    if a.contains(.underline) { attrs |= nc_a_underline() }
    var pair: Int32 = 0
    if renderContext.colorMode != .none {
      let fg = cursesColor(cell.style.foreground)
      let bg = cursesColor(cell.style.background)
      if fg != -1 || bg != -1 { pair = Swift.max(0, alloc_pair(fg, bg)) }
    }
    wideBuffer[0] = wchar_t(truncatingIfNeeded: cell.scalar.value)
    var cc = cchar_t()
    _ = nc_setcchar(&cc, wideBuffer, attrs, pair)
    // Writing the bottom-right cell returns ERR (the cursor cannot advance) but still draws it.
    _ = mvwadd_wch(window, y, x, &cc)
  }

  /// The curses colour number: -1 for the default, the palette index, or in direct mode `0xRRGGBB`
  /// (numbers below 8 would be read as ANSI colours, so near-black becomes 0x010101).
  private func cursesColor(_ color: TerminalColor) -> Int32 {
    switch color.resolved(for: renderContext.colorMode) {
    case .default: return -1
    case .palette(let i): return Int32(i)
    case .rgb(let c):
      let n = Int32(c.hex)
      return n < 8 ? 0x010101 : n
    }
  }

  /// SIGTERM or SIGHUP, once received: the app should end its loop (the terminal is restored as
  /// usual) and exit with status 128 + this signal.
  public var terminationSignal: Int32? { TerminalRestoration.pendingTermination }

  /// Waits up to `timeout` (forever when nil) for a key or event. Returns nil on timeout — the
  /// app's tick — and for input that is not a key we report. A resize updates ``size`` and forces
  /// a full repaint on the next draw. A SIGINT (Ctrl-C in cbreak mode) is returned as the key
  /// Ctrl-C, as raw mode would deliver it.
  public func nextKey(timeout: Duration?) -> Key? {
    guard isOpen else { return nil }
    if TerminalRestoration.takeInterrupt() { return .control("c") }
    let window = nc_stdscr()
    wtimeout(window, timeout.map(Self.milliseconds) ?? -1)
    var code: wint_t = 0
    let status = wget_wch(window, &code)
    if TerminalRestoration.takeInterrupt() { return .control("c") }
    switch status {
    case KEY_CODE_YES:
      let keyCode = Int32(truncatingIfNeeded: code)
      if keyCode == KEY_RESIZE {
        var rows: Int32 = 0
        var cols: Int32 = 0
        nc_getmaxyx(window, &rows, &cols)
        size = Size(width: Int(cols), height: Int(rows))
        needsFullRedraw = true
        return .resize(size)
      }
      if keyCode == KEY_MOUSE {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        return CursesKeyTranslation.mouseEvent(x: event.x, y: event.y, buttonState: event.bstate).map(Key.mouse)
      }
      return CursesKeyTranslation.key(keyCode: keyCode)
    case OK:
      return CursesKeyTranslation.key(character: UInt32(code))
    default:
      return nil
    }
  }

  private static func milliseconds(_ d: Duration) -> Int32 {
    let (seconds, attoseconds) = d.components
    let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    return Int32(clamping: Swift.max(0, ms))
  }
}

@available(*, unavailable, message: "curses is single-threaded; use the terminal only inside withTerminal's closure")
extension CursesTerminal: Sendable {}

/// `close(2)`, named apart from ``CursesTerminal/close()``.
private func closeDescriptor(_ fd: Int32) {
  #if canImport(Glibc)
  _ = Glibc.close(fd)
  #else
  _ = Darwin.close(fd)
  #endif
}
