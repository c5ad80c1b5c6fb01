import Dispatch
import Foundation

/// Shared-memory parallelism for the kernels: at most one chunk per core, and none at all for work
/// too small to repay the hand-off (a few microseconds).
public enum Parallel {
  /// Number of worker threads the kernels use (the machine's active cores).
  public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// Runs `body` over `0..<count` split into contiguous chunks, one per core when
  /// `count * costPerItem` exceeds `threshold` (roughly flops), else on the calling thread.
  ///
  /// Chunks run on the calling thread and on a small pool of persistent workers. A call made while
  /// the pool is busy (from inside a chunk, or from another thread at the same time) runs its
  /// chunks on the calling thread, so nesting and concurrent callers are safe.
  @inlinable
  public static func forEachChunk(
    _ count: Int, costPerItem: Int = 1, threshold: Int = 1 << 16,
    _ body: (Range<Int>) -> Void
  ) {
    let chunks = min(coreCount, count)
    if chunks <= 1 || count.multipliedReportingOverflow(by: costPerItem).partialValue < threshold {
      if count > 0 { body(0..<count) }
      return
    }
    withoutActuallyEscaping(body) { body in
      runChunks(chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
      }
    }
  }

  /// Runs `body(0)`, …, `body(chunks - 1)`, in parallel where workers are free (in order on the
  /// calling thread inside ``serially(_:)``).
  @usableFromInline
  static func runChunks(_ chunks: Int, _ body: (Int) -> Void) {
    if isSerialOnCurrentThread {
      for c in 0..<chunks { body(c) }
    } else if #available(macOS 15.0, *) {
      WorkerPool.shared.run(chunks, body)
    } else {
      withoutActuallyEscaping(body) { body in
        let box = UnsafeSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { box.value($0) }
      }
    }
  }
}

/// Wraps a value the caller promises is used safely across threads (disjoint writes, or reads only).
public struct UnsafeSendable<Value>: @unchecked Sendable {
  public let value: Value
  @inlinable public init(_ value: Value) { self.value = value }
}
