import Foundation
import Leakage
import Testing

@testable import Studies

/// `i2f sweep merge --out` killed mid-write: whatever the moment, the output is the old file or
/// the complete new one, never a partial file; a SIGTERM also leaves no temporary file behind.
@Suite("Atomic outputs under kill", .serialized)
struct AtomicOutputKillTests {
  /// A result file of `rows` rows of about a kilobyte each (distinct ids).
  static func bigResultFile(at path: String, rows: Int) throws {
    var text = ""
    text.reserveCapacity(rows * 1100)
    let padding = String(repeating: "x", count: 900)
    for i in 0..<rows {
      text += #"{"id":"row\#(i)","sample":"digits:\#(i % 1797)","rmse":\#(Double(i) / 7),"note":"\#(padding)"}"# + "\n"
    }
    try text.write(toFile: path, atomically: false, encoding: .utf8)
  }

  /// The temporary files of atomic writes in the directory of `path`.
  static func temporaryFiles(besides path: String) -> [String] {
    let directory = (path as NSString).deletingLastPathComponent
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter(FileIO.isTemporaryFile)
  }

  /// Starts `i2f arguments…`, sends `signal` once `delay` seconds have passed or as soon as a
  /// temporary file appears beside `out` (when `atTemporaryFile`), and waits for it to end.
  static func interrupt(_ arguments: [String], out: String, signal: Int32, delay: Double, atTemporaryFile: Bool) async throws
    -> (status: Int32, killed: Bool)
  {
    try await blocking {
      let child = I2FProcess.process(arguments)
      try child.run()
      let start = Date()
      while child.isRunning && Date().timeIntervalSince(start) < delay {
        if atTemporaryFile && !temporaryFiles(besides: out).isEmpty { break }
        usleep(200)
      }
      kill(child.processIdentifier, signal)
      child.waitUntilExit()
      return (child.terminationStatus, child.terminationReason == .uncaughtSignal)
    }
  }

  @Test func aMergeKilledAtAnyMomentLeavesTheOldOutputOrTheCompleteNewOne() async throws {
    let dir = ScratchDirectory()
    let input = dir.path("big.jsonl"), out = dir.path("merged.jsonl"), old = dir.path("old.jsonl")
    try Self.bigResultFile(at: input, rows: 6000)
    try Self.bigResultFile(at: old, rows: 3)
    // The complete output, from a run that is not interrupted.
    let reference = try await I2FProcess.run(["sweep", "merge", input, "--out", out])
    #expect(reference.status == 0, "\(reference.stderr)")
    let complete = try Data(contentsOf: URL(fileURLWithPath: out))
    #expect(try ResultFile(path: out).rows.count == 6000)
    let oldBytes = try Data(contentsOf: URL(fileURLWithPath: old))
    var outcomes: [String: Int] = [:]
    // Kills spread over the run, half of them as soon as the temporary file appears.
    let started = Date()
    _ = try await I2FProcess.run(["sweep", "merge", input, "--out", dir.path("timing.jsonl")])
    let duration = Date().timeIntervalSince(started)
    for attempt in 0..<12 {
      try? FileManager.default.removeItem(atPath: out)
      if attempt % 4 != 0 { try FileManager.default.copyItem(atPath: old, toPath: out) }
      let delay = duration * Double(attempt % 8 + 1) / 8
      let ending = try await Self.interrupt(["sweep", "merge", input, "--out", out], out: out, signal: SIGKILL,
                                            delay: delay, atTemporaryFile: attempt % 2 == 1)
      let now = FileManager.default.contents(atPath: out)
      let state = now == nil ? "absent" : now == oldBytes ? "old" : now == complete ? "complete" : "PARTIAL"
      #expect(state != "PARTIAL", "attempt \(attempt): \(now?.count ?? 0) bytes, neither the old file nor the complete one")
      #expect(state != "absent" || attempt % 4 == 0, "attempt \(attempt): the old output disappeared")
      // A SIGKILL mid-write leaves the temporary file (nothing can remove it); a later run is not
      // confused by it. Clear it for the next attempt.
      let leftovers = Self.temporaryFiles(besides: out)
      outcomes[state + (ending.killed ? " (killed\(leftovers.isEmpty ? "" : " mid-write"))" : " (finished)"), default: 0] += 1
      for name in leftovers { try FileManager.default.removeItem(atPath: dir.path(name)) }
    }
    // Timing decides which outcomes occur; record them for the log.
    print("kill outcomes: \(outcomes.sorted { $0.key < $1.key })")
  }

  @Test func aMergeStoppedBySIGTERMLeavesNoTemporaryFile() async throws {
    let dir = ScratchDirectory()
    let input = dir.path("big.jsonl"), out = dir.path("merged.jsonl")
    try Self.bigResultFile(at: input, rows: 6000)
    let started = Date()
    _ = try await I2FProcess.run(["sweep", "merge", input, "--out", dir.path("timing.jsonl")])
    let duration = Date().timeIntervalSince(started)
    for attempt in 0..<6 {
      try? FileManager.default.removeItem(atPath: out)
      let ending = try await Self.interrupt(["sweep", "merge", input, "--out", out], out: out, signal: SIGTERM,
                                            delay: duration * Double(attempt + 1) / 6, atTemporaryFile: attempt % 2 == 1)
      #expect(ending.status == 143 || ending.status == 0, "attempt \(attempt): status \(ending.status)")
      #expect(Self.temporaryFiles(besides: out).isEmpty, "attempt \(attempt): \(dir.contents())")
      if let rows = try? ResultFile(path: out).rows.count { #expect(rows == 6000) }
    }
  }
}
