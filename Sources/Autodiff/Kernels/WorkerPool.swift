import Dispatch
import Foundation
import Synchronization

/// The persistent worker threads behind ``Parallel/forEachChunk(_:costPerItem:threshold:_:)``.
///
/// `DispatchQueue.concurrentPerform` wakes its workers too late to help with the sub-millisecond
/// jobs the kernels hand out (on a 2-core VM its second iteration often starts after the first has
/// finished). Here the workers spin briefly after each job, so back-to-back kernel calls find them
/// awake, and then sleep on a semaphore. One job at a time: a caller that finds the pool busy runs
/// its chunks itself, which also makes nested calls safe.
@available(macOS 15.0, *)
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool(workers: Parallel.coreCount - 1)

  /// How long an idle worker keeps polling for the next job before it sleeps.
  private static let spinNanoseconds: UInt64 = 300_000

  private let workerCount: Int
  /// Held by the one caller whose job is in flight.
  private let busy = Atomic<Bool>(false)
  /// generation << 32 | chunk count << 16 | next unclaimed chunk.
  private let ticket = Atomic<Int>(0)
  /// Chunks of the current job that have finished.
  private let done = Atomic<Int>(0)
  /// Workers asleep (or about to sleep) on `wake`.
  private let sleepers = Atomic<Int>(0)
  private let wake = DispatchSemaphore(value: 0)
  /// The current job; written only while no chunk of it can be claimed, read only after a claim.
  private var job: (Int) -> Void = { _ in }

  private init(workers: Int) {
    workerCount = max(0, workers)
    for i in 0..<workerCount {
      let thread = Thread { [self] in workerLoop() }
      thread.name = "i2f.kernels.\(i)"
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// Runs `body(0..<chunks)` on the calling thread and any free workers; returns when all are done.
  func run(_ chunks: Int, _ body: (Int) -> Void) {
    guard workerCount > 0, chunks > 1, chunks < 1 << 16,
          busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else {
      for c in 0..<chunks { body(c) }
      return
    }
    withoutActuallyEscaping(body) { body in
      job = body
      done.store(0, ordering: .relaxed)
      let generation = ((ticket.load(ordering: .relaxed) >> 32) + 1) & 0x7FFF_FFFF
      ticket.store(generation << 32 | chunks << 16, ordering: .sequentiallyConsistent)
      let asleep = sleepers.load(ordering: .sequentiallyConsistent)
      for _ in 0..<min(asleep, chunks - 1) { wake.signal() }
      while runOneChunk() {}
      var polls = 0
      while done.load(ordering: .acquiring) < chunks {
        polls += 1
        if polls > 256 { sched_yield() }
      }
      job = { _ in }
    }
    busy.store(false, ordering: .releasing)
  }

  /// Claims and runs one chunk of the current job; false when every chunk has been claimed.
  private func runOneChunk() -> Bool {
    var t = ticket.load(ordering: .acquiring)
    while true {
      let count = (t >> 16) & 0xFFFF, next = t & 0xFFFF
      if next >= count { return false }
      let (exchanged, original) = ticket.compareExchange(
        expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
      if exchanged {
        job(next)
        done.add(1, ordering: .releasing)
        return true
      }
      t = original
    }
  }

  private static func hasWork(_ t: Int) -> Bool { t & 0xFFFF < (t >> 16) & 0xFFFF }

  private func workerLoop() {
    while true {
      if runOneChunk() { continue }
      // Poll for a while: the next kernel call usually follows within microseconds.
      let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
      var polls = 0
      var found = false
      while !found {
        found = Self.hasWork(ticket.load(ordering: .relaxed))
        polls += 1
        if polls & 63 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
      }
      if found { continue }
      sleepers.add(1, ordering: .sequentiallyConsistent)
      if !Self.hasWork(ticket.load(ordering: .sequentiallyConsistent)) { wake.wait() }
      sleepers.subtract(1, ordering: .sequentiallyConsistent)
    }
  }
}
