import Dispatch
import Foundation

/// Shared-memory parallelism for the kernels: at most one chunk per core, and none at all for work
/// too small to repay the hand-off (a few microseconds).
public enum Parallel {
  /// Number of worker threads the kernels use (the machine's active cores).
  public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// Runs `body` over `0..<count` split into contiguous chunks, one per core when
  /// `count * costPerItem` exceeds `threshold` (roughly flops), else on the calling thread.
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
      let box = UnsafeSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { box.value(lo..<hi) }
      }
    }
  }
}

/// Wraps a value the caller promises is used safely across threads (disjoint writes, or reads only).
public struct UnsafeSendable<Value>: @unchecked Sendable {
  public let value: Value
  @inlinable public init(_ value: Value) { self.value = value }
}
