internal import CNCursesW

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Putting the terminal back whatever way the process ends while curses owns the screen.
///
/// Global state, and why: signal handlers are C function pointers that cannot capture context, so
/// what they need lives in process-wide memory allocated once — the previous signal actions (to
/// restore and chain to), a flag saying whether curses is active, the original standard-error
/// descriptor and a preformatted note pointing to the log. The handlers only read it, through raw
/// pointers (no Swift runtime calls, no allocation, no exclusivity checks), and only the main
/// thread writes it, before the handlers are installed and after they are removed.
///
/// What happens on each path:
/// - normal return and thrown errors: ``CursesTerminal/close()`` (run by `withTerminal`'s `defer`);
/// - SIGINT (Ctrl-C): a flag that ``CursesTerminal/nextKey(timeout:)`` turns into the key Ctrl-C,
///   so the app quits the usual way (its loop ends, the terminal is restored, nothing is lost);
/// - SIGTERM and SIGHUP: a flag the app's loop reads (``CursesTerminal/terminationSignal``), so it
///   too ends normally and then exits with the conventional status 128 + signal (143, 129);
/// - the same signal again while the first is still unanswered (a loop that no longer polls):
///   `endwin()` and `_exit(128 + signal)` at once;
/// - SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT: `endwin()`, write where the log is to the
///   real standard error, put the previous handler back (the Swift runtime's backtracer, or the
///   default) and let it run: a fault re-executes the instruction, a sent signal is raised again.
/// The flag handlers only store a number (async-signal-safe). SIGWINCH and SIGTSTP are left to
/// curses, which handles them only while their disposition is the default; installing ours for
/// SIGINT, SIGTERM and SIGHUP before `newterm` keeps curses from adding its own.
enum TerminalRestoration {
  static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT]
  static let exitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
  private static let signalSlots = 65

  /// Previous actions, indexed by signal number.
  nonisolated(unsafe) private static let savedActions: UnsafeMutablePointer<sigaction> = {
    let p = UnsafeMutablePointer<sigaction>.allocate(capacity: signalSlots)
    p.initialize(repeating: sigaction(), count: signalSlots)
    return p
  }()

  /// `[0]`: 1 while curses owns the screen; `[1]`: duplicate of the original stderr, or -1;
  /// `[2]`: 1 when a SIGINT is waiting to be read as a key; `[3]`: a pending SIGTERM or SIGHUP, or 0.
  nonisolated(unsafe) private static let state: UnsafeMutablePointer<Int32> = {
    let p = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    p.initialize(repeating: 0, count: 4)
    p[1] = -1
    return p
  }()

  private static let noteCapacity = 1024
  /// NUL-terminated note written to the original stderr after a crash; `noteLength` bytes long.
  nonisolated(unsafe) private static let note: UnsafeMutablePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: noteCapacity)
    p.initialize(repeating: 0, count: noteCapacity)
    return p
  }()
  nonisolated(unsafe) private static let noteLength: UnsafeMutablePointer<Int> = {
    let p = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
  }()

  /// Installs the handlers, remembering the previous ones. Call before `newterm`.
  static func install(originalStderr: Int32, logPath: String?) {
    // Touch the lazily initialised storage now, never first inside a handler.
    _ = savedActions
    state[0] = 0
    state[1] = originalStderr
    state[2] = 0
    state[3] = 0
    let text =
      "i2f: the explorer crashed; the terminal was restored"
      + (logPath.map { ". Details are in \($0)\n" } ?? "\n")
    let bytes = Array(text.utf8.prefix(noteCapacity - 1))
    for (i, b) in bytes.enumerated() { note[i] = CChar(bitPattern: b) }
    note[bytes.count] = 0
    noteLength.pointee = bytes.count

    for sig in fatalSignals {
      var action = sigaction()
      #if canImport(Glibc)
      action.__sigaction_handler.sa_sigaction = { sig, info, _ in TerminalRestoration.handleFatal(sig, info) }
      #else
      action.__sigaction_u.__sa_sigaction = { sig, info, _ in TerminalRestoration.handleFatal(sig, info) }
      #endif
      action.sa_flags = SA_SIGINFO
      sigemptyset(&action.sa_mask)
      sigaction(sig, &action, savedActions + Int(sig))
    }
    for sig in exitSignals {
      var action = sigaction()
      #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = { sig in TerminalRestoration.handleExit(sig) }
      #else
      action.__sigaction_u.__sa_handler = { sig in TerminalRestoration.handleExit(sig) }
      #endif
      action.sa_flags = 0
      sigemptyset(&action.sa_mask)
      sigaction(sig, &action, savedActions + Int(sig))
    }
  }

  /// Marks curses as owning the screen (handlers call `endwin` only then).
  static func setCursesActive(_ active: Bool) { state[0] = active ? 1 : 0 }

  /// Puts the previous handlers back.
  static func uninstall() {
    for sig in fatalSignals + exitSignals { sigaction(sig, savedActions + Int(sig), nil) }
    state[0] = 0
    state[1] = -1
    state[2] = 0
    state[3] = 0
  }

  /// Whether a SIGINT arrived since the last call (it is then consumed).
  static func takeInterrupt() -> Bool {
    guard state[2] != 0 else { return false }
    state[2] = 0
    return true
  }

  /// The SIGTERM or SIGHUP received, if any (it stays pending until ``uninstall()``).
  static var pendingTermination: Int32? { state[3] != 0 ? state[3] : nil }

  private static func handleExit(_ sig: Int32) {
    let slot = sig == SIGINT ? 2 : 3
    if state[slot] == 0 {
      state[slot] = sig == SIGINT ? 1 : sig
      return
    }
    // Still unanswered: the app no longer polls, so restore the terminal and leave now.
    if state[0] != 0 {
      state[0] = 0
      endwin()
    }
    _exit(128 + sig)
  }

  private static func handleFatal(_ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?) {
    if state[0] != 0 {
      state[0] = 0
      endwin()
      if state[1] >= 0 { _ = write(state[1], note, noteLength.pointee) }
    }
    sigaction(sig, savedActions + Int(sig), nil)
    // Sent signals (kill, raise, abort: si_code ≤ 0) do not recur by themselves; faults do when the
    // instruction re-executes on return.
    let sent = (info?.pointee.si_code ?? 0) <= 0
    if sig == SIGABRT || sent { raise(sig) }
  }
}
