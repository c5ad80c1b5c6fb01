import Foundation
import Leakage
import Testing

@testable import Studies

@Suite("Reports: groups, agreement, JSON and tables")
struct StudyReportTests {
  /// Rows for inits × samples with given numbers; `error` marks rows as failed.
  static func rows(_ spec: [(initialization: String, sample: Int, rmse: Double?, predicted: Double, error: String?)]) throws -> [ResultRow] {
    try spec.map { s in
      let p = try #require(try points(["samples": "digits:\(s.sample)", "inits": s.initialization, "attacks": "dlg"]).first)
      var numbers: [(String, JSONValue)] = [("predicted_rmse", .number(s.predicted)), ("label", .integer(s.sample % 10))]
      if let r = s.rmse { numbers.append(("rmse", .number(r))) }
      return ResultRow.make(point: p, numbers: numbers, failure: s.error, provenance: ResultStoreTests.provenance)
    }
  }

  @Test func groupStatisticsAndErrorsPerGroup() throws {
    let rows = try Self.rows([
      ("uniform", 0, 1, 0.4, nil), ("uniform", 1, 2, 0.8, nil), ("uniform", 2, 6, 2.4, nil), ("uniform", 3, nil, 1, "boom"),
      ("kaiming", 0, 10, 4, nil), ("kaiming", 1, 20, 8, nil),
    ])
    let report = StudyReport(rows: rows, options: .init(groupBy: ["init"]))
    #expect(report.rows == 6 && report.errors == 1)
    #expect(report.groups.map(\.label) == ["kaiming", "uniform"])
    let kaiming = report.groups[0], uniform = report.groups[1]
    #expect(uniform.count == 3 && uniform.errors == 1 && uniform.mean == 3 && uniform.median == 2)
    #expect(StatisticsTests.close(uniform.standardDeviation, 7.0.squareRoot()))
    #expect(kaiming.count == 2 && kaiming.mean == 15 && kaiming.errors == 0)
    #expect(uniform.predictionMedians.first { $0.key == "predicted_rmse" }?.median == 0.8)
    let agreement = try #require(report.agreements.first)
    #expect(report.agreements.count == 1 && agreement.prediction == "predicted_rmse" && agreement.correlation.n == 5)
    // Achieved is exactly 2.5 × predicted on every good row.
    #expect(StatisticsTests.close(agreement.linear?.slope, 2.5) && StatisticsTests.close(agreement.logLog?.slope, 1, 1e-12))
    #expect(StatisticsTests.close(agreement.correlation.spearman, 1))
  }

  @Test func jsonHasTheDocumentedShape() throws {
    let rows = try Self.rows((0..<8).map { i in ("uniform", i, Double(i + 1) * 0.01, Double(i + 1) * 0.009, nil) })
    let json = StudyReport(rows: rows, options: .init(groupBy: ["init", "label"])).json()
    #expect(json["rows"] == .integer(8) && json["errors"] == .integer(0))
    guard case .array(let groups)? = json["groups"], let first = groups.first else { Issue.record("no groups"); return }
    #expect(groups.count == 8)
    #expect(first["key"] == .object([("init", .string("uniform")), ("label", .integer(0))]))
    for key in ["count", "mean", "std", "median"] { #expect(first[key] != nil, "group lacks \(key)") }
    #expect(first["std"] == .null)
    let c = try #require(json["correlations"]?["predicted_rmse"])
    #expect(c["n"] == .integer(8) && c["pearson"]?.doubleValue.map { abs($0 - 1) < 1e-12 } == true)
    guard case .array(let ci)? = c["pearson_ci"] else { Issue.record("no interval"); return }
    #expect(ci.count == 2)
    #expect(json["fit"]?["predicted_rmse"]?["log10"]?["slope"]?.doubleValue.map { abs($0 - 1) < 1e-9 } == true)
    #expect(json["fit"]?["predicted_rmse"]?["linear"]?["r_squared"] != nil)
  }

  @Test func groupsSortNaturally() {
    let values: [JSONValue] = [.string("gaussian:0.01"), .null, .string("gaussian:0.0001"), .integer(10), .integer(2), .string("gaussian:0.001"), .string("none")]
    let sorted = values.sorted { StudyReport.naturallyPrecedes($0, $1) }
    #expect(sorted == [.integer(2), .integer(10), .string("gaussian:0.0001"), .string("gaussian:0.001"), .string("gaussian:0.01"), .string("none"), .null])
  }

  @Test func tablesAsCSVAndMarkdownEscapeTheirCells() {
    let table = (header: ["noise", "n"], rows: [["a,b", "1"], ["say \"hi\"", "2"], ["x|y", "3"]])
    #expect(ReportTables.csv(table) == "noise,n\n\"a,b\",1\n\"say \"\"hi\"\"\",2\nx|y,3\n")
    #expect(ReportTables.markdown(table) == "| noise | n |\n| --- | --- |\n| a,b | 1 |\n| say \"hi\" | 2 |\n| x\\|y | 3 |\n")
    #expect(ReportTables.aligned(table, indent: "") == "noise     n\na,b       1\nsay \"hi\"  2\nx|y       3")
  }
}
