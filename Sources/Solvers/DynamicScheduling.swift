import Autodiff
import Foundation

/// Runs `body(item)` for every item in `0..<count` on all cores, handing the items out one at a
/// time (self-scheduling) instead of in fixed shares: when the operating system lends a core to
/// another process for a few milliseconds, the other cores take over the remaining items instead
/// of waiting for that core's share. Small jobs (by `Parallel`'s threshold) run on the caller.
func forEachItem(_ count: Int, costPerItem: Int, _ body: (_ item: Int) -> Void) {
  guard count > 0 else { return }
  let counter = ItemCounter()
  let workers = min(Parallel.coreCount, count)
  let cost = count.multipliedReportingOverflow(by: costPerItem).partialValue
  Parallel.forEachChunk(workers, costPerItem: cost / workers) { chunk in
    // Each chunk is one worker; when the chunks run serially the first takes every item.
    for _ in chunk {
      while let item = counter.claim(below: count) { body(item) }
    }
  }
}

/// The next unclaimed item, shared by the workers of one ``forEachItem(_:costPerItem:_:)``.
private final class ItemCounter {
  private let lock = NSLock()
  private var next = 0

  func claim(below count: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < count else { return nil }
    next += 1
    return next - 1
  }
}
