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
  private var caught: [Int32] = []

  /// A flag nothing raises but ``trigger(_:)`` (for tests and embedding).
  public init() {}

  /// Catches `signals` for the life of the returned object.
  public static func catching(_ signals: [Int32] = [SIGINT, SIGTERM]) -> SweepInterruption {
    let interruption = SweepInterruption()
    for s in signals {
      setSignalAction(s, ignore: true)
      let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
      source.setEventHandler { [weak interruption] in interruption?.trigger(s) }
      source.resume()
      interruption.sources.append(source)
      interruption.caught.append(s)
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

  /// Stops catching: the signals get their default actions back.
  public func release() {
    for source in sources { source.cancel() }
    for s in caught { setSignalAction(s, ignore: false) }
    sources = []
    caught = []
  }

  deinit { release() }
}

/// Ignores `s`, or restores its default action (the C `signal`, which the property shadows).
private func setSignalAction(_ s: Int32, ignore: Bool) { _ = signal(s, ignore ? SIG_IGN : SIG_DFL) }
