import Foundation
@testable import Explorer
@testable import Leakage
@testable import Studies

/// Result rows as `i2f sweep` writes them (made with the sweep's own row code), with numbers
/// written out here.
enum ResultsFixtures {
  static let provenance = RunProvenance(version: "test", host: "host", finishedAt: Date(timeIntervalSince1970: 1_700_000_000))

  /// The points of `digits:0-3 × uniform,kaiming × gaussian:1e-3 × dlg`, in the sweep's order.
  static func points() throws -> [SweepPoint] {
    var plan = SweepPlan()
    try plan.set("samples", commandLine: ["digits:0-3"])
    try plan.set("inits", commandLine: ["uniform,kaiming"])
    try plan.set("attacks", commandLine: ["dlg"])
    return try plan.points()
  }

  /// A successful run's numbers: predicted and achieved RMSE as given.
  static func numbers(label: Int, predicted: Double, expected: Double, achieved: Double?, status: String = "converged") -> [(String, JSONValue)] {
    var n: [(String, JSONValue)] = [
      ("model_summary", .string("convnet5(1×8×8 → 10)")), ("weights", .string("uniform, seed 0")), ("labels", .array([.integer(label)])),
      ("label", .integer(label)), ("method", .string("dense")), ("jdelta_norm", .number(5.9e-4)), ("lambda_max", .number(2.48e-2)),
      ("lambda_min", .number(3.3e-5)), ("rank", .integer(64)), ("i2f_lb", .number(0.0238)), ("i2f_ub", .number(17.9)),
      ("predicted_rmse", .number(predicted)), ("expected_rmse", .number(expected)),
    ]
    if let achieved {
      n += [("status", .string(status)), ("iterations_done", .integer(12)), ("iteration_budget", .integer(300)), ("rmse", .number(achieved)),
            ("psnr", .number(31.2)), ("ssim", .number(0.93)), ("label_correct", .bool(true))]
    }
    return n + [("seconds", .number(0.21))]
  }

  /// Eight runs: sample k with uniform and kaiming. The kaiming run of digits:2 failed; the
  /// uniform run of digits:1 failed first and succeeded when retried (its last row wins).
  static func rows() throws -> [ResultRow] {
    let points = try points()
    var rows: [ResultRow] = []
    for (i, point) in points.enumerated() {
      let k = i / 2, kaiming = i % 2 == 1
      if k == 2 && kaiming {
        rows.append(ResultRow.make(point: point, numbers: [], failure: "the attack diverged at iteration 7 (objective nan)", provenance: provenance))
        continue
      }
      if k == 1 && !kaiming {
        rows.append(ResultRow.make(point: point, numbers: [], failure: "interrupted", provenance: provenance))
      }
      let predicted = [0.04, 0.01, 0.03, 0.02][k] * (kaiming ? 2 : 1)
      let achieved = [0.05, 0.009, 0.2, 0.015][k] * (kaiming ? 3 : 1)
      rows.append(ResultRow.make(point: point, numbers: numbers(label: k, predicted: predicted, expected: predicted * 1.1, achieved: achieved),
                                 failure: nil, provenance: provenance))
    }
    return rows
  }

  /// `rows` as a result file read from `path`, ending with `torn` (a line cut off mid-write).
  static func file(_ rows: [ResultRow], path: String = "runs.jsonl", torn: String = "") throws -> ResultFile {
    try ResultFile(path: path, bytes: Array((rows.map { $0.line + "\n" }.joined() + torn).utf8))
  }

  /// The list of ``rows()`` as `runs.jsonl`.
  static func list() throws -> ResultsList { ResultsList(path: "runs.jsonl", rows: try rows()) }

  /// The main view's fixture with the results list of ``rows()`` shown.
  static func state(compare: Bool = false) throws -> ExplorerState {
    var s = ExplorerFixtures.state(compare: compare)
    s.results = try list()
    s.resultsPath = "runs.jsonl"
    s.screen = .results
    return s
  }
}
