import Foundation
import Leakage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A clean stop for the headless commands on SIGINT, SIGTERM and SIGHUP: the temporary files of
/// writes in progress are removed (the destinations keep their old contents), one line says why
/// the command stopped, and the process exits with 128 + the signal number (130, 143, 129), as a
/// shell reports a command killed by that signal.
///
/// The signals are blocked in every thread and received by one thread of ours with `sigwait`,
/// so the cleanup runs as ordinary code (locks, allocation) rather than in a signal handler.
/// Install it first thing in `run()`, before any worker thread starts (threads inherit the mask).
/// Not for the explorer, whose terminal restoration installs real handlers.
enum SignalHandling {
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  static func install() {
    var set = sigset_t()
    sigemptyset(&set)
    for sig in signals { sigaddset(&set, sig) }
    pthread_sigmask(SIG_BLOCK, &set, nil)
    let blocked = set
    Thread.detachNewThread {
      var set = blocked
      var received: Int32 = 0
      while sigwait(&set, &received) != 0 {}
      TemporaryFiles.removeAllBeforeExit()
      // What the command printed so far goes out; then the other threads, still running, are cut
      // off from the terminal, so the line saying why the command stopped is the last one.
      fflush(nil)
      let standardError = dup(2)
      let null = open("/dev/null", O_WRONLY)
      if null >= 0 {
        dup2(null, 1)
        dup2(null, 2)
      }
      let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][received] ?? "signal \(received)"
      let line = (isatty(standardError) == 1 ? "\n" : "") + "i2f: stopped by \(name)\n"
      _ = line.withCString { write(standardError, $0, strlen($0)) }
      _exit(128 + received)
    }
  }
}
