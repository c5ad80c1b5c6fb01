import Foundation
import Leakage
import Testing

@testable import Studies

/// `i2f sweep` and `i2f report` as processes: killed, interrupted, resumed, merged, reported.
@Suite("i2f sweep and report, end to end", .serialized)
struct SweepCommandTests {
  @Test func aSweepKilledWithSIGKILLResumesWithEveryIdExactlyOnce() async throws {
    let dir = ScratchDirectory(), out = dir.path("results.jsonl")
    let arguments = ["sweep", "--samples", "digits:0-599", "--executor", "synthetic:sleep=0.005", "--jobs", "2", "--out", out]
    let ending = try await I2FProcess.signal(SIGKILL, arguments, whenLines: 40, in: out)
    #expect(ending.reached && ending.killed)
    let killed = try ResultFile(path: out)
    #expect(killed.rows.count >= 40 && killed.rows.count < 600, "the sweep should have been killed mid-run")
    #expect(Set(killed.rows.map(\.id)).count == killed.rows.count)
    // A crash mid-write (or a full disk) leaves a torn line: add one by hand.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"id":"0123456789abcdef","sample":"digi"#.utf8))
    try handle.close()

    let rerun = try await I2FProcess.run(arguments)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(rerun.stderr.contains("cut off a torn last line"))
    #expect(rerun.stderr.contains("\(600 - killed.rows.count) rows written (0 failed), \(killed.rows.count) skipped"))
    let final = try ResultFile(path: out)
    #expect(final.tornBytes == 0 && final.rows.count == 600 && Set(final.rows.map(\.id)).count == 600)
    #expect(Set(final.rows.map(\.id)) == Set(try points(["samples": "digits:0-599"]).map(\.id)))
    #expect(dir.contents() == ["results.jsonl"])
  }

  @Test func sigintAndSigtermStopCleanlyWith130And143() async throws {
    for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      let dir = ScratchDirectory(), out = dir.path("r.jsonl")
      let arguments = ["sweep", "--samples", "digits:0-499", "--executor", "synthetic:sleep=0.01", "--jobs", "2", "--out", out]
      let ending = try await I2FProcess.signal(signal, arguments, whenLines: 10, in: out)
      #expect(ending.reached && !ending.killed && ending.status == status)
      let file = try ResultFile(path: out)
      #expect(file.tornBytes == 0 && file.rows.count >= 10 && file.rows.count < 500)
      #expect(dir.contents() == ["r.jsonl"], "no temporary files")
    }
  }

  @Test func shardsMergeIntoThePlanAndConflictsFail() async throws {
    let dir = ScratchDirectory()
    let planText = try await I2FProcess.run(["sweep", "--samples", "digits:0-19", "--inits", "uniform,xavier", "--attacks", "dlg", "--print-plan"])
    #expect(planText.status == 0)
    try planText.stdout.write(toFile: dir.path("plan.json"), atomically: true, encoding: .utf8)
    for k in 0..<3 {
      let r = try await I2FProcess.run(["sweep", "--plan", dir.path("plan.json"), "--shard", "\(k)/3", "--executor", "synthetic", "--out", dir.path("shard-\(k).jsonl")])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let shardSizes = try (0..<3).map { try ids(dir.path("shard-\($0).jsonl")).count }
    #expect(shardSizes.reduce(0, +) == 40 && shardSizes.max()! - shardSizes.min()! <= 1)

    let partial = try await I2FProcess.run(["sweep", "merge", dir.path("shard-0.jsonl"), dir.path("shard-1.jsonl"), "--plan", dir.path("plan.json"),
                                      "--out", dir.path("all.jsonl")])
    #expect(partial.status != 0 && partial.stderr.contains("\(shardSizes[2]) runs of the plan have no row"))
    #expect(!FileManager.default.fileExists(atPath: dir.path("all.jsonl")))

    let shards = (0..<3).map { dir.path("shard-\($0).jsonl") }
    let merged = try await I2FProcess.run(["sweep", "merge"] + shards + [shards[0], "--plan", dir.path("plan.json"), "--out", dir.path("all.jsonl")])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(merged.stdout.contains("40 runs, 0 with errors; \(shardSizes[0]) duplicate rows dropped"))
    let planned = try points(["samples": "digits:0-19", "inits": "uniform,xavier", "attacks": "dlg"]).map(\.id)
    #expect(try ids(dir.path("all.jsonl")) == planned)

    // A shard whose run gave a different number conflicts.
    let row = try #require(try ResultFile(path: shards[1]).rows.first)
    let changed = ResultRow(id: row.id, members: row.members.map { $0.key == "rmse" ? ($0.key, .number(42)) : $0 })
    try (changed.line + "\n").write(toFile: dir.path("other.jsonl"), atomically: true, encoding: .utf8)
    let conflict = try await I2FProcess.run(["sweep", "merge", shards[1], dir.path("other.jsonl"), "--out", dir.path("bad.jsonl")])
    #expect(conflict.status != 0 && conflict.stderr.contains("1 id has different results in different files: \(row.id)"))
    #expect(dir.contents().allSatisfy { !$0.hasPrefix(".") }, "no temporary files left")
  }

  @Test func aSyntheticSweepReportsCorrelationsTablesAndPlots() async throws {
    let dir = ScratchDirectory(), out = dir.path("r.jsonl")
    let swept = try await I2FProcess.run(["sweep", "--samples", "digits:0-59", "--inits", "uniform,kaiming", "--attacks", "dlg",
                                    "--executor", "synthetic:fail=17", "--out", out])
    #expect(swept.status == 0, "\(swept.stderr)")
    let file = try ResultFile(path: out)
    let errors = file.rows.filter { $0.error != nil }.count
    #expect(file.rows.count == 120 && errors > 0)

    let r = try await I2FProcess.run(["report", out, "--json", "--group-by", "init", "--plots", dir.path("plots"), "--csv", dir.path("g.csv"),
                                "--markdown", dir.path("g.md")])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONValue.parse(r.stdout, fileName: "stdout")
    #expect(json["rows"] == .integer(120) && json["errors"] == .integer(errors))
    let n = try #require(json["correlations"]?["predicted_rmse"]?["n"]?.doubleValue)
    let pearson = try #require(json["correlations"]?["predicted_rmse"]?["spearman"]?.doubleValue)
    #expect(Int(n) == 120 - errors && pearson > 0.8)
    guard case .array(let groups)? = json["groups"] else { Issue.record("no groups"); return }
    #expect(groups.compactMap { $0["key"]?["init"]?.stringValue } == ["kaiming", "uniform"])
    #expect(try String(contentsOfFile: dir.path("g.csv"), encoding: .utf8).hasPrefix("init,n,errors,mean rmse,std rmse,median rmse"))
    #expect(try String(contentsOfFile: dir.path("g.md"), encoding: .utf8).contains("| kaiming |"))
    let plots = try FileManager.default.contentsOfDirectory(atPath: dir.path("plots")).sorted()
    #expect(plots.contains("scatter-predicted_rmse.svg") && plots.contains("by-init.svg") && plots.contains("spectra.svg"))

    let text = try await I2FProcess.run(["report", out])
    #expect(text.status == 0 && text.stdout.contains("rmse by init:") && text.stdout.contains("Spearman ρ") && text.stdout.contains("┤"))
  }

  @Test func theRealPipelineFillsRowsWithBoundAndAttackKeys() async throws {
    let dir = ScratchDirectory(), out = dir.path("r.jsonl")
    let r = try await I2FProcess.run(["sweep", "--samples", "digits:3,faces:999", "--models", "mlp", "--vary", "widths=8", "--attacks", "none,l2adam",
                                "--iterations", "5", "--noise", "gaussian:1e-3", "--out", out])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try ResultFile(path: out).rows
    #expect(rows.count == 4)
    let good = rows.filter { $0.sample == "digits:3" }
    #expect(good.count == 2 && good.allSatisfy { $0.error == nil })
    for key in ["jdelta_norm", "lambda_max", "lambda_min", "rank", "i2f_norm", "i2f_lb", "i2f_ub", "expected_rmse", "predicted_rmse", "label", "seconds"] {
      #expect(good.allSatisfy { $0[key] != nil }, "missing \(key)")
    }
    let attacked = try #require(good.first { $0.text("attack") == "l2adam" })
    #expect(attacked.number("rmse") != nil && attacked.number("iterations_done") == 5 && attacked["label_correct"] != nil)
    #expect(attacked.number("label") == 3 && attacked.number("width") == 8)
    let bad = rows.filter { $0.sample == "faces:999" }
    #expect(bad.count == 2 && bad.allSatisfy { $0.error?.contains("faces") == true })
  }
}

extension ResultRow {
  var sample: String { text("sample") }
}
