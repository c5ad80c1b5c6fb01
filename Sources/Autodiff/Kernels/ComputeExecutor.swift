import Foundation

/// Where long, blocking numeric work runs when it is started from Swift concurrency: each job on
/// a thread of its own, never on the cooperative pool.
///
/// The cooperative pool has one thread per core (two here); a task that spends seconds in a
/// dense eigendecomposition on it starves every other task — the UI's, the tests' timers. Run such
/// work with `Task.detached(executorPreference: ComputeExecutor.shared) { … }` instead: it keeps
/// task cancellation (`Task.checkCancellation()` inside the solvers still works) but not the
/// pool. The kernels' own parallelism (``Parallel``) is unaffected.
@available(macOS 15.0, *)
public final class ComputeExecutor: TaskExecutor, @unchecked Sendable {
  public static let shared = ComputeExecutor()

  private init() {}

  public func enqueue(_ job: consuming ExecutorJob) {
    let unowned = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    let thread = Thread { unowned.runSynchronously(on: executor) }
    thread.name = "i2f.compute"
    thread.stackSize = 8 << 20
    thread.start()
  }
}
