import Foundation
@testable import Studies
import Leakage

/// A fresh temporary directory, removed when the value is dropped.
final class ScratchDirectory {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-studies-\(UUID().uuidString)")

  init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
  deinit { try? FileManager.default.removeItem(at: url) }

  /// The path of `name` inside the directory.
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// The names in the directory, sorted (hidden files included).
  func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
}

/// The points of a plan given as command-line lists.
func points(_ lists: [String: String]) throws -> [SweepPoint] {
  var plan = SweepPlan()
  for (key, value) in lists.sorted(by: { $0.key < $1.key }) { try plan.set(key, commandLine: [value]) }
  return try plan.points()
}

/// The lines of a file.
func lines(_ path: String) throws -> [String] {
  try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// The ids of the rows in a file, in order.
func ids(_ path: String) throws -> [String] { try ResultFile(path: path).rows.map(\.id) }

/// Runs blocking work (sweeps on their own threads, sleeps, child processes) on a thread of its
/// own and awaits it, so a test never holds one of the few threads of Swift's cooperative pool
/// while it waits (other suites' tasks, such as the explorer engine's, need them).
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread { continuation.resume(with: Result { try body() }) }
    thread.stackSize = 8 << 20
    thread.start()
  }
}

/// `points` run by `runner` into the result file at `path` (opened for the run), off the pool.
func sweep(_ points: [SweepPoint], _ executor: any SweepExecutor, into path: String, runner: SweepRunner = SweepRunner(version: "t", jobs: 2),
           interruption: SweepInterruption? = nil) async throws -> SweepSummary {
  try await blocking { try runner.run(points, executor: executor, store: try ResultStore(path: path), interruption: interruption) }
}
