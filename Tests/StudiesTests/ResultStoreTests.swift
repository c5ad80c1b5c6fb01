import Foundation
import Leakage
import Testing

@testable import Studies

@Suite("Result store and merge: nothing lost, nothing half-written")
struct ResultStoreTests {
  static let provenance = RunProvenance(version: "test", host: "h", finishedAt: Date(timeIntervalSince1970: 0))

  static func row(_ point: SweepPoint, rmse: Double, error: String? = nil, seconds: Double = 1) -> ResultRow {
    ResultRow.make(point: point, numbers: [("rmse", .number(rmse)), ("seconds", .number(seconds))], failure: error, provenance: provenance)
  }

  @Test func appendedRowsAreReadBackAfterReopening() throws {
    let dir = ScratchDirectory(), path = dir.path("nested/results.jsonl")
    let p = try points(["samples": "digits:0-2"])
    do {
      let store = try ResultStore(path: path)
      for (i, point) in p.enumerated() { try store.append(Self.row(point, rmse: Double(i))) }
    }
    let reopened = try ResultStore(path: path)
    #expect(reopened.latest.count == 3 && reopened.recoveredTornBytes == 0)
    #expect(reopened.latest[p[2].id]?.number("rmse") == 2)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 3)
    #expect(dir.contents() == ["nested"])
  }

  @Test func aTornLastLineIsCutOffOnOpenAndItsRunIsRedone() throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let p = try points(["samples": "digits:0-1"])
    let whole = Self.row(p[0], rmse: 0.5).line + "\n"
    let torn = String(Self.row(p[1], rmse: 0.25).line.prefix(40))
    try (whole + torn).write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try ResultFile(path: path).tornBytes == torn.utf8.count)
    let store = try ResultStore(path: path)
    #expect(store.recoveredTornBytes == torn.utf8.count)
    #expect(Array(store.latest.keys) == [p[0].id])
    try store.append(Self.row(p[1], rmse: 0.25))
    store.close()
    #expect(try lines(path) == [whole.dropLast().description, Self.row(p[1], rmse: 0.25).line, ""])
    #expect(try ids(path) == [p[0].id, p[1].id])
  }

  @Test func aBrokenCompleteLineIsAnErrorNamingItsLine() throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let p = try points(["samples": "digits:0"])
    try (Self.row(p[0], rmse: 1).line + "\n\n{\"no\": \"id\"}\n").write(toFile: path, atomically: false, encoding: .utf8)
    #expect(throws: ResultFileError.malformedLine(file: path, line: 3, problem: "not a result row (a JSON object with a string \"id\")")) {
      try ResultStore(path: path)
    }
    try "{\"id\": \"a\"}\nnot json\n".write(toFile: path, atomically: false, encoding: .utf8)
    #expect { try ResultFile(path: path) } throws: { "\($0)".hasPrefix("\(path):2: not JSON") }
  }

  @Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheFile() throws {
    let dir = ScratchDirectory(), path = dir.path("r.jsonl")
    let first = try ResultStore(path: path)
    #expect(throws: ResultFileError.locked(file: path)) { try ResultStore(path: path) }
    first.close()
    _ = try ResultStore(path: path)
  }

  @Test func theLastRowPerIdWins() throws {
    let p = try points(["samples": "digits:0-1"])
    let rows = [Self.row(p[0], rmse: 0, error: "boom"), Self.row(p[1], rmse: 1), Self.row(p[0], rmse: 2)]
    let latest = ResultFile.latest(rows)
    #expect(latest.map(\.id) == [p[0].id, p[1].id])
    #expect(latest[0].error == nil && latest[0].number("rmse") == 2)
  }

  @Test func rowsCarryConfigurationNumbersAndProvenanceAndFlagBadNumbers() throws {
    let p = try #require(try points(["samples": "digits:4", "attacks": "dlg", "iterations": "30"]).first)
    let good = Self.row(p, rmse: 0.1)
    #expect(good.members.map(\.key) == ["id", "sample", "model", "init", "seed", "noise", "attack", "iterations", "rmse", "seconds",
                                       "i2f_version", "host", "finished_at"])
    #expect(good.error == nil && good.text("sample") == "digits:4" && good["finished_at"] == .string("1970-01-01T00:00:00Z"))
    let nan = ResultRow.make(point: p, numbers: [("rmse", .number(.nan)), ("psnr", .number(30))], failure: nil, provenance: Self.provenance)
    #expect(nan.error == "rmse is not a finite number" && nan["rmse"] == .null && nan.number("psnr") == 30)
    let reserved = ResultRow.make(point: p, numbers: [("model", .string("x")), ("Bad-Key", .integer(1))], failure: nil, provenance: Self.provenance)
    #expect(reserved.error == "the executor returned the reserved key 'model'; the executor returned a key that is not snake_case: 'Bad-Key'")
    let failed = ResultRow.make(point: p, numbers: [], failure: "line one\nline two", provenance: Self.provenance)
    #expect(failed.error == "line one line two")
    #expect(ResultRow(try JSONValue.parse(good.line, fileName: "-")) == good)
  }

  // MARK: - Merge

  @Test func mergeDropsDuplicatesPrefersResultsAndKeepsPlanOrder() throws {
    let p = try points(["samples": "digits:0-3"])
    let a = ResultFile.of([Self.row(p[3], rmse: 3), Self.row(p[0], rmse: 0, error: "crash"), Self.row(p[1], rmse: 1, seconds: 5)])
    // The same result with another wall time, a retried error, and an older row superseded in-file.
    let b = ResultFile.of([Self.row(p[1], rmse: 1, seconds: 9), Self.row(p[0], rmse: 0.5), Self.row(p[2], rmse: 7), Self.row(p[2], rmse: 2)])
    let merge = ResultMerge([a, b], plan: p)
    #expect(merge.conflicts.isEmpty && merge.missing.isEmpty && merge.extra.isEmpty)
    #expect(merge.rows.map(\.id) == p.map(\.id))
    #expect(merge.rows.map { $0.number("rmse") } == [0.5, 1, 2, 3])
    #expect(merge.rows[1].number("seconds") == 5)
    #expect(merge.duplicatesDropped == 2 && merge.supersededErrors == 1 && merge.inputRows == 7)
    try merge.check(allowMissing: false)
    #expect(String(decoding: merge.bytes, as: UTF8.self).split(separator: "\n").count == 4)
  }

  @Test func mergeFailsNamingConflictsAndMissingRuns() throws {
    let p = try points(["samples": "digits:0-9"])
    let a = ResultFile.of(p.prefix(6).map { Self.row($0, rmse: 1) })
    let b = ResultFile.of([Self.row(p[2], rmse: 1.5)] + p[6..<8].map { Self.row($0, rmse: 1) })
    let merge = ResultMerge([a, b], plan: p)
    #expect(merge.conflicts == [p[2].id])
    #expect(merge.missing == [p[8].id, p[9].id])
    #expect(throws: MergeError.conflicts([p[2].id])) { try merge.check(allowMissing: true) }
    let clean = ResultMerge([a, ResultFile.of(p[6..<8].map { Self.row($0, rmse: 1) })], plan: p)
    #expect(throws: MergeError.missing([p[8].id, p[9].id])) { try clean.check(allowMissing: false) }
    try clean.check(allowMissing: true)
    let many = MergeError.missing(p.map(\.id)).description
    #expect(many.hasPrefix("10 runs of the plan have no row: \(p[0].id), ") && many.contains(", …"))
    // Without the plan nothing is missing, and rows of another plan are extra with one.
    #expect(ResultMerge([a]).missing.isEmpty)
    #expect(ResultMerge([a], plan: Array(p.prefix(3))).extra == p[3..<6].map(\.id))
  }
}

extension ResultFile {
  /// A file holding `rows`, as if read from disk.
  static func of(_ rows: [ResultRow]) -> ResultFile {
    try! ResultFile(path: "mem", bytes: Array(rows.map { $0.line + "\n" }.joined().utf8))
  }
}
