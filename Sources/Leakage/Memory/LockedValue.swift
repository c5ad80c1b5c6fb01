import Foundation

/// A value behind a lock (NSLock, so it builds on every platform the package supports).
final class LockedValue<Value: Sendable>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()

  init(_ value: Value) { self.value = value }

  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }

  /// Runs `body` and never unlocks: for the last thing a process does before it exits.
  func lockForever(_ body: (inout Value) -> Void) {
    lock.lock()
    body(&value)
  }
}
