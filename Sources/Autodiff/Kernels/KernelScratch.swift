import Foundation

/// Scratch memory for the kernels (packed GEMM panels, im2col columns), recycled between calls.
///
/// Each call borrows its own blocks, so kernels running on several threads never share scratch;
/// returning blocks to a small pool spares the page faults a fresh multi-megabyte allocation costs
/// on every call.
enum KernelScratch {
  /// Largest number of idle blocks kept, and their largest total size.
  private static let maxBlocks = 8
  private static let maxBytes = 256 << 20

  private final class Pool: @unchecked Sendable {
    let lock = NSLock()
    var blocks: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
  }
  private static let pool = Pool()

  /// Calls `body` with uninitialised, 64-byte aligned storage for `count` values of `T`.
  static func with<T, R>(_: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
    let bytes = max(64, (max(count, 1) * MemoryLayout<T>.stride + 63) & ~63)
    let block = acquire(bytes)
    defer { release(block) }
    return try body(block.pointer.bindMemory(to: T.self, capacity: max(count, 1)))
  }

  private static func acquire(_ bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
    pool.lock.lock()
    // The smallest idle block that is large enough.
    var best: Int?
    for (i, b) in pool.blocks.enumerated() where b.bytes >= bytes {
      if best.map({ b.bytes < pool.blocks[$0].bytes }) ?? true { best = i }
    }
    let found = best.map { pool.blocks.remove(at: $0) }
    pool.lock.unlock()
    if let found { return found }
    _ = AllocatorTuning.applied
    return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
  }

  private static func release(_ block: (pointer: UnsafeMutableRawPointer, bytes: Int)) {
    // A block the pool could not keep would only flush the others out.
    if block.bytes > maxBytes {
      block.pointer.deallocate()
      return
    }
    pool.lock.lock()
    pool.blocks.append(block)
    var evicted: [UnsafeMutableRawPointer] = []
    // Keep the largest blocks: they serve every request the smaller ones could.
    while pool.blocks.count > maxBlocks || pool.blocks.reduce(0, { $0 + $1.bytes }) > maxBytes {
      guard let smallest = pool.blocks.indices.min(by: { pool.blocks[$0].bytes < pool.blocks[$1].bytes })
      else { break }
      evicted.append(pool.blocks.remove(at: smallest).pointer)
    }
    pool.lock.unlock()
    for p in evicted { p.deallocate() }
  }
}

/// Runs `body` with uninitialised, 64-byte aligned storage for `count` values of `T`, borrowed from
/// the kernels' scratch pool.
///
/// For large temporaries that are needed again and again outside the kernels (the dense Jacobian
/// of an analysis): a recycled block comes back without the page faults of fresh memory, about
/// 1 ms per 6 MB. Blocks larger than the pool keeps (256 MiB) are allocated and freed as usual.
public func withScratchBuffer<T, R>(
  of _: T.Type, count: Int, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
) rethrows -> R {
  try KernelScratch.with(T.self, count: count) { try body(UnsafeMutableBufferPointer(start: $0, count: count)) }
}
