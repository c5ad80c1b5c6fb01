import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM turned into a flag the sweep checks between rows, instead of killing the
/// process mid-write. ``release()`` (or deinit) restores the default actions.
public final class SweepInterruption: @unchecked Sendable {
  private let lock = NSLock()
  private var received: Int32?
  private var sources: [DispatchSourceSignal] = []
  /// Puts back each caught signal's previous action.
  private var restore: [() -> Void] = []

  /// A flag nothing raises but ``trigger(_:)`` (for tests and embedding).
  public init() {}

  /// Catches `signals` for the life of the returned object.
  public static func catching(_ signals: [Int32] = [SIGINT, SIGTERM]) -> SweepInterruption {
    let interruption = SweepInterruption()
    for s in signals {
      interruption.restore.append(ignoreSignal(s))
      let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
      source.setEventHandler { [weak interruption] in interruption?.trigger(s) }
      source.resume()
      interruption.sources.append(source)
    }
    return interruption
  }

  /// The first signal received, if any.
  public var signal: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return received
  }

  /// Records `signal` as received (the first one wins).
  public func trigger(_ signal: Int32) {
    lock.lock()
    if received == nil { received = signal }
    lock.unlock()
  }

  /// Stops catching: the signals get their previous actions back.
  public func release() {
    for source in sources { source.cancel() }
    for r in restore { r() }
    sources = []
    restore = []
  }

  deinit { release() }
}

/// Ignores `s` (so only the dispatch source sees it); returns what puts its previous action back.
private func ignoreSignal(_ s: Int32) -> () -> Void {
  let previous = signal(s, SIG_IGN)
  return { _ = signal(s, previous) }
}
