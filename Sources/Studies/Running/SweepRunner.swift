import Autodiff
import Foundation
import Leakage

/// Runs the points of a sweep that the result file does not have yet, keeping every core busy,
/// and appends one row per run.
///
/// **Cores.** Small runs (the executor's ``SweepWorkload``) go `jobs` at a time, each on its own
/// thread with single-threaded kernels (``Parallel/serially(_:)``): independent runs scale better
/// than one run's kernels split in two. Large runs then go one at a time with the kernels on every
/// core (and one run's memory at a time). With `jobs == 1` every run has parallel kernels. The
/// runs execute on threads of our own, never on Swift's cooperative pool.
///
/// **Resume.** Ids that already have a row are skipped; error rows too unless `retryErrors`, when
/// the new row supersedes the old one (readers take the last row per id).
///
/// **Failures.** An executor that throws, or returns NaN, gives an error row and the sweep goes on.
///
/// **Interruption.** When ``SweepInterruption`` reports a signal, no new run starts, rows still in
/// flight are abandoned (never written), and `run` returns at once with `interruptedBy` set; the
/// caller exits (130 for SIGINT, 143 for SIGTERM). Rows already written are complete.
public struct SweepRunner: Sendable {
  /// How runs share the cores.
  public enum Parallelism: String, Sendable, CaseIterable {
    /// By each run's ``SweepWorkload``.
    case auto
    /// Every run is small: `jobs` at a time, single-threaded kernels.
    case runs
    /// Every run is large: one at a time, parallel kernels.
    case kernels
  }

  /// Runs at a time for small runs (default: the cores).
  public var jobs: Int
  public var parallelism: Parallelism
  /// Rerun ids whose row is an error row.
  public var retryErrors: Bool
  /// The i2f version written into each row.
  public var version: String

  public init(version: String, jobs: Int = Parallel.coreCount, parallelism: Parallelism = .auto, retryErrors: Bool = false) {
    self.version = version
    self.jobs = max(1, jobs)
    self.parallelism = parallelism
    self.retryErrors = retryErrors
  }

  /// The points that still need a run given the rows in `store`, and how many are skipped.
  public func pending(_ points: [SweepPoint], in store: ResultStore) -> (points: [SweepPoint], skipped: Int) {
    let pending = points.filter { p in
      guard let row = store.latest[p.id] else { return true }
      return retryErrors && row.error != nil
    }
    return (pending, points.count - pending.count)
  }

  /// `points` reordered for `ways` workers taking them in turn: the groups (in order of first
  /// appearance) `ways` at a time, their runs alternating, so the workers start on different
  /// groups and each group's later runs find its shared work done. Runs without a group are
  /// groups of their own.
  static func interleavingGroups(_ points: [SweepPoint], groups: [AnyHashable?], ways: Int) -> [SweepPoint] {
    guard ways > 1 else { return points }
    var members: [[Int]] = []
    var index: [AnyHashable: Int] = [:]
    for (i, group) in groups.enumerated() {
      if let group, let g = index[group] {
        members[g].append(i)
      } else {
        if let group { index[group] = members.count }
        members.append([i])
      }
    }
    var order: [Int] = []
    order.reserveCapacity(points.count)
    for start in stride(from: 0, to: members.count, by: ways) {
      let window = members[start..<min(start + ways, members.count)]
      for k in 0..<(window.map(\.count).max() ?? 0) {
        for runs in window where k < runs.count { order.append(runs[k]) }
      }
    }
    return order.map { points[$0] }
  }

  /// Runs what `store` lacks of `points` and appends the rows; returns the counts. Throws only
  /// when the store cannot be written (the sweep stops; every row written is intact).
  public func run(
    _ points: [SweepPoint], executor: any SweepExecutor, store: ResultStore,
    progress: SweepProgress? = nil, interruption: SweepInterruption? = nil
  ) throws -> SweepSummary {
    let clock = ContinuousClock.now
    let (todo, skipped) = pending(points, in: store)
    var summary = SweepSummary(planned: points.count, skipped: skipped)
    progress?.begin(total: todo.count)
    defer { progress?.end() }
    let large: [SweepPoint], small: [SweepPoint]
    switch parallelism {
    case .runs: (small, large) = (todo, [])
    case .kernels: (small, large) = ([], todo)
    case .auto:
      let sizes = todo.map { executor.workload(of: $0) }
      small = zip(todo, sizes).filter { $0.1 == .small }.map(\.0)
      large = zip(todo, sizes).filter { $0.1 == .large }.map(\.0)
    }
    let phases = [(small, min(jobs, small.count), jobs > 1), (large, min(1, large.count), false)]
    for (index, (phasePoints, workers, serialKernels)) in phases.enumerated() where !phasePoints.isEmpty {
      let queue = RunQueue(Self.interleavingGroups(phasePoints, groups: phasePoints.map { executor.group(of: $0) }, ways: workers))
      for w in 0..<workers {
        let thread = Thread { [version] in
          Self.work(queue, executor: executor, serialKernels: serialKernels, version: version)
        }
        thread.name = "i2f.sweep.\(w)"
        thread.stackSize = 8 << 20
        thread.start()
      }
      while true {
        let (rows, finished) = queue.take(workers: workers, timeout: 0.25)
        let signal = interruption?.signal
        // After a signal no run starts; the rows already complete are still written.
        let stopped = signal.map { _ in queue.stop() }
        for row in rows {
          do {
            try store.append(row)
          } catch {
            _ = queue.stop()
            throw error
          }
          summary.written += 1
          if row.error != nil { summary.failed += 1 }
          progress?.record(row)
        }
        if let signal, let stopped {
          summary.interruptedBy = signal
          summary.abandoned = stopped.inFlight
          summary.notStarted = stopped.notStarted + phases.dropFirst(index + 1).reduce(0) { $0 + $1.0.count }
          summary.seconds = Self.seconds(since: clock)
          return summary
        }
        progress?.tick()
        if finished { break }
      }
    }
    summary.seconds = Self.seconds(since: clock)
    return summary
  }

  /// One worker: claims points until there are none, runs each and hands back its row.
  private static func work(_ queue: RunQueue, executor: any SweepExecutor, serialKernels: Bool, version: String) {
    while let point = queue.claim() {
      let start = ContinuousClock.now
      var numbers: [(String, JSONValue)] = []
      var failure: String?
      do {
        numbers = serialKernels ? try Parallel.serially { try executor.numbers(for: point) } : try executor.numbers(for: point)
      } catch {
        failure = "\(error)"
      }
      if !numbers.contains(where: { $0.0 == "seconds" }) {
        numbers.append(("seconds", .number((seconds(since: start) * 1000).rounded() / 1000)))
      }
      queue.deliver(ResultRow.make(point: point, numbers: numbers, failure: failure, provenance: RunProvenance(version: version)))
    }
    queue.workerExited()
  }

  static func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}

/// The points of one phase and the rows coming back, shared by the workers and the writer.
private final class RunQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private let points: [SweepPoint]
  private var next = 0
  private var inFlight = 0
  private var rows: [ResultRow] = []
  private var exited = 0
  private var stopped = false

  init(_ points: [SweepPoint]) { self.points = points }

  /// The next point to run, or nil when there are none left or the sweep stopped.
  func claim() -> SweepPoint? {
    condition.lock()
    defer { condition.unlock() }
    guard !stopped, next < points.count else { return nil }
    next += 1
    inFlight += 1
    return points[next - 1]
  }

  /// Hands back a finished row (dropped when the sweep has stopped).
  func deliver(_ row: ResultRow) {
    condition.lock()
    inFlight -= 1
    if !stopped { rows.append(row) }
    condition.signal()
    condition.unlock()
  }

  func workerExited() {
    condition.lock()
    exited += 1
    condition.signal()
    condition.unlock()
  }

  /// Rows delivered so far (waiting up to `timeout` seconds for one), and whether every worker
  /// has exited with nothing left to take.
  func take(workers: Int, timeout: Double) -> (rows: [ResultRow], finished: Bool) {
    condition.lock()
    defer { condition.unlock() }
    if rows.isEmpty && exited < workers { _ = condition.wait(until: Date(timeIntervalSinceNow: timeout)) }
    let taken = rows
    rows.removeAll()
    return (taken, exited == workers)
  }

  /// Stops handing out points and drops rows not yet taken; returns the runs abandoned (in flight
  /// or dropped) and those never started.
  func stop() -> (inFlight: Int, notStarted: Int) {
    condition.lock()
    defer { condition.unlock() }
    stopped = true
    let dropped = rows.count
    rows.removeAll()
    return (inFlight + dropped, points.count - next)
  }
}
