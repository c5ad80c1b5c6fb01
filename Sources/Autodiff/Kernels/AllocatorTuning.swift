#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed tensor storage in the process for reuse (Linux, glibc).
///
/// glibc hands blocks above its mmap threshold back to the system as soon as they are freed, and
/// trims the top of the heap once more than the trim threshold is free there. A backward pass
/// over a batch of cotangents allocates and frees dozens of multi-megabyte tensors, so each of
/// them comes back as fresh pages, one page fault per 4 KiB (in the convnet5 Jacobian rows, a
/// third of the time). Raising both thresholds lets the heap keep and reuse that memory; blocks
/// of 32 MiB and more are still mapped and unmapped on their own.
enum AllocatorTuning {
  /// Applies the thresholds once, process-wide. Read by the first fresh scratch allocation, so
  /// they are in place from the first kernel call on.
  static let applied: Bool = {
    #if os(Linux)
    // glibc's mallopt is not in the Glibc module: look it up and call it with the C convention.
    // <malloc.h>: M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-3, 32 << 20)
    _ = mallopt(-1, 256 << 20)
    return true
    #else
    return false
    #endif
  }()
}
