import Autodiff
import Foundation
import Leakage
import Testing

@testable import Studies

@Suite("Sweep runner: every run once, failures as rows, resume, cores, interruption")
struct SweepRunnerTests {
  /// Counts concurrent calls and remembers whether kernels were serial inside them.
  final class Probe: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var running = 0, maxRunning = 0, calls = 0
    private(set) var serial: [Bool] = []

    /// Counts a call; returns how many there have been.
    @discardableResult
    func enter() -> Int {
      lock.lock()
      defer { lock.unlock() }
      running += 1
      calls += 1
      maxRunning = max(maxRunning, running)
      serial.append(Parallel.isSerialOnCurrentThread)
      return calls
    }

    func leave() {
      lock.lock()
      running -= 1
      lock.unlock()
    }
  }

  static func probing(_ probe: Probe, sleep: Double = 0.01, workload: SweepWorkload = .small) -> ClosureExecutor {
    ClosureExecutor(workload: { _ in workload }) { p in
      probe.enter()
      defer { probe.leave() }
      Thread.sleep(forTimeInterval: sleep)
      return [("value", .integer(Int(p.seed)))]
    }
  }

  @Test func writesEveryRunOnceAndSkipsThemOnResume() async throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let p = try points(["samples": "digits:0-9", "seeds": "0-1"])
    let probe = Probe()
    let summary = try await sweep(p, Self.probing(probe), into: path)
    #expect(summary.written == 20 && summary.failed == 0 && summary.skipped == 0 && summary.interruptedBy == nil)
    let written = try ids(path)
    #expect(Set(written) == Set(p.map(\.id)) && written.count == 20)
    let again = try await sweep(p, Self.probing(probe), into: path)
    #expect(again.written == 0 && again.skipped == 20 && probe.calls == 20)
  }

  @Test func smallRunsGoSideBySideWithSerialKernelsAndLargeOnesAloneWithParallelKernels() async throws {
    let dir = ScratchDirectory()
    let p = try points(["samples": "digits:0-7"])
    let small = Probe()
    _ = try await sweep(p, Self.probing(small, sleep: 0.05), into: dir.path("a"))
    #expect(small.maxRunning == 2 && small.serial.allSatisfy { $0 })
    let large = Probe()
    _ = try await sweep(p, Self.probing(large, sleep: 0.02, workload: .large), into: dir.path("b"))
    #expect(large.maxRunning == 1 && large.serial.allSatisfy { !$0 } && large.calls == 8)
    let single = Probe()
    _ = try await sweep(p, Self.probing(single), into: dir.path("c"), runner: SweepRunner(version: "t", jobs: 1))
    #expect(single.maxRunning == 1 && single.serial.allSatisfy { !$0 })
    let forced = Probe()
    _ = try await sweep(p, Self.probing(forced, sleep: 0.05, workload: .large), into: dir.path("d"),
                        runner: SweepRunner(version: "t", jobs: 2, parallelism: .runs))
    #expect(forced.maxRunning == 2 && forced.serial.allSatisfy { $0 })
  }

  @Test func throwingAndNaNRunsBecomeErrorRowsRetriedOnlyWhenAsked() async throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let p = try points(["samples": "digits:0-29", "attacks": "dlg"])
    let flaky = SyntheticExecutor(failEvery: 4, nanEvery: 5)
    let first = try await sweep(p, flaky, into: path)
    let rows = try ResultFile(path: path).rows
    let thrown = rows.filter { $0.error?.hasPrefix("synthetic failure of run") == true }
    let nan = rows.filter { $0.error == "rmse is not a finite number" }
    #expect(!thrown.isEmpty && !nan.isEmpty && first.failed == thrown.count + nan.count && first.written == 30)
    #expect(nan.allSatisfy { $0["rmse"] == .null && $0.number("predicted_rmse") != nil })
    // Errors are not rerun by default…
    let again = try await sweep(p, SyntheticExecutor(), into: path)
    #expect(again.written == 0 && again.skipped == 30)
    // …and with retryErrors the new rows supersede them.
    let retry = try await sweep(p, SyntheticExecutor(), into: path, runner: SweepRunner(version: "t", retryErrors: true))
    #expect(retry.written == first.failed && retry.failed == 0)
    let latest = try ResultFile(path: path).latest
    #expect(latest.count == 30 && latest.allSatisfy { $0.error == nil })
  }

  @Test func anInterruptionStopsNewRunsAndWritesOnlyCompleteRows() async throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let p = try points(["samples": "digits:0-199"])
    let interruption = SweepInterruption()
    let counter = Probe()
    let executor = ClosureExecutor { _ in
      let call = counter.enter()
      defer { counter.leave() }
      if call == 10 { interruption.trigger(SIGINT) }
      Thread.sleep(forTimeInterval: 0.005)
      return [("value", .integer(1))]
    }
    let summary = try await sweep(p, executor, into: path, interruption: interruption)
    #expect(summary.interruptedBy == SIGINT && summary.exitStatus == 130)
    #expect(summary.written + summary.abandoned + summary.notStarted == 200)
    #expect(summary.written < 20 && summary.notStarted > 150)
    #expect(try ids(path).count == summary.written)
    #expect(try ResultFile(path: path).tornBytes == 0)
    #expect(summary.description.contains("interrupted by SIGINT") && summary.description.contains("Run the same command again"))
    // Resuming finishes exactly the rest.
    let rest = try await sweep(p, SyntheticExecutor(), into: path)
    #expect(rest.written == 200 - summary.written)
    let all = try ids(path)
    #expect(Set(all).count == 200 && all.count == 200)
  }

  @Test func workersSideBySideStartOnDifferentGroups() {
    let points = (0..<7).map { SweepPoint(configuration: [("n", .integer($0))]) }
    // Groups a a a b b c and one run without a group, as a noise-innermost plan gives them.
    let groups: [AnyHashable?] = ["a", "a", "a", "b", "b", "c", nil]
    let order = SweepRunner.interleavingGroups(points, groups: groups, ways: 2).map { $0["n"]!.doubleValue.map(Int.init)! }
    #expect(order == [0, 3, 1, 4, 2, 5, 6])
    #expect(SweepRunner.interleavingGroups(points, groups: groups, ways: 1) == points)
    #expect(SweepRunner.interleavingGroups(points, groups: groups, ways: 3).map { $0["n"]!.doubleValue.map(Int.init)! } == [0, 3, 5, 1, 4, 2, 6])
  }

  @Test func progressShowsRateEtaAndTheLastError() throws {
    var clock = 100.0
    var output: [String] = []
    let progress = SweepProgress(style: .lines(interval: 10), write: { output.append($0) }, now: { clock })
    let p = try points(["samples": "digits:0-19"])
    progress.begin(total: 20)
    #expect(output.isEmpty)
    clock += 30
    progress.record(ResultStoreTests.row(p[0], rmse: 1))
    progress.record(ResultStoreTests.row(p[1], rmse: 1, error: "bad sample"))
    // 10% reached at the second row: one line, 2 rows in 30 s = 4 rows/min, 18 left = 4m30s.
    #expect(output.last == "sweep: 2/20 · 4.00 rows/min · ETA 4m30s · 1 failed (last: \(p[1].id): bad sample)\n")
    let count = output.count
    clock += 1
    progress.record(ResultStoreTests.row(p[2], rmse: 1))
    #expect(output.count == count)
    clock += 10
    progress.tick()
    #expect(output.count == count + 1 && output.last!.hasPrefix("sweep: 3/20"))

    var screen = ""
    let bar = SweepProgress(style: .terminal(width: 60), write: { screen += $0 }, now: { clock })
    bar.begin(total: 4)
    clock += 60
    bar.record(ResultStoreTests.row(p[0], rmse: 1))
    bar.end()
    #expect(screen.hasSuffix("\r\u{1B}[2K█████░░░░░░░░░░░░░░░ 1/4 · 1.00 rows/min · ETA 3m00s\n"))
    #expect(SweepProgress.formatDuration(7384) == "2h03m" && SweepProgress.formatRate(1234.4) == "1234")
  }
}
