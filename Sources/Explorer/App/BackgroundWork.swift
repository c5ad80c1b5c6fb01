import Foundation

/// Counts the engine's work in flight (tasks on the compute executor, attack threads), so that
/// quitting can let it end before the process does: an export asked for just before `q` is
/// still written, and no thread is cut off halfway through building a graph when `exit` runs.
///
/// A unit of work is begun by the thread that starts it (before the task can run, so a wait
/// never misses it) and ended by the work itself.
final class BackgroundWork: @unchecked Sendable {
  private let condition = NSCondition()
  /// Guarded by `condition`.
  private var inFlight = 0

  /// Counts one more unit of work; pair with one ``end()``.
  func begin() {
    condition.withLock { inFlight += 1 }
  }

  func end() {
    condition.withLock {
      inFlight -= 1
      if inFlight == 0 { condition.broadcast() }
    }
  }

  /// Waits until no work is in flight or `timeout` has passed; true when all work ended.
  @discardableResult
  func waitUntilIdle(timeout: Duration) -> Bool {
    let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18)
    condition.lock()
    defer { condition.unlock() }
    while inFlight > 0 {
      if !condition.wait(until: deadline) { return inFlight == 0 }
    }
    return true
  }
}
