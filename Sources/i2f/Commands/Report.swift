import ArgumentParser
import Foundation
import Leakage
import Studies

/// `i2f report`: what a sweep's results say — per-group statistics, and whether I2F's predictions
/// track what the attacks achieved.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Summarise sweep results: group statistics, prediction–attack correlations, fits and plots.",
    discussion: """
      Reads JSONL result files (the last row per id wins; error rows are counted, not used). Prints a \
      table of the metric per group, Pearson and Spearman correlations of each prediction \
      (predicted_rmse, expected_rmse, i2f_lb, i2f_norm) with the achieved value, with 95% intervals by \
      Fisher's z, least-squares fits on linear and log–log axes, a braille scatter and bars per group.
      """)

  @Argument(help: "Result files (JSON lines).")
  var files: [String]

  @Option(help: "Row fields to group by, comma-separated (init, noise, model, label, seed, sample, …).")
  var groupBy = "init"

  @Option(help: "The number summarised per group (rmse, predicted_rmse, ssim, seconds, …).")
  var metric = "rmse"

  @Option(help: "The achieved number the predictions are compared with.")
  var achieved = "rmse"

  @Flag(help: "Print one JSON object instead of tables and plots.")
  var json = false

  @Option(help: "Directory to write SVG charts into (scatter, per-init and per-class box plots, group bars, spectra).")
  var plots: String?

  @Option(help: "Write the group table as CSV.")
  var csv: String?

  @Option(help: "Write the group table (and the agreement table) as Markdown.")
  var markdown: String?

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one result file") }
  }

  func run() throws {
    SignalHandling.install()
    let inputs = try files.map { try ResultFile(path: $0) }
    for f in inputs where f.tornBytes > 0 {
      FileHandle.standardError.write(Data("\(f.path): ignored a torn last line (\(f.tornBytes) bytes)\n".utf8))
    }
    let groups = groupBy.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let report = StudyReport(files: inputs, options: .init(groupBy: groups, metric: metric, achieved: achieved))
    let groupTable = ReportTables.groupTable(report), agreementTable = ReportTables.agreementTable(report)
    let rankingTable = ReportTables.rankingTable(report)
    if let csv { try FileIO.writeAtomically(Array(ReportTables.csv(groupTable).utf8), to: URL(fileURLWithPath: csv)) }
    if let markdown {
      let text = "## \(metric) by \(groups.joined(separator: ", "))\n\n" + ReportTables.markdown(groupTable)
        + "\n## Predictions against achieved \(achieved)\n\n" + ReportTables.markdown(agreementTable)
        + (rankingTable.rows.isEmpty ? "" : "\n## Ranking of the groups by mean prediction and mean achieved \(achieved)\n\n" + ReportTables.markdown(rankingTable))
      try FileIO.writeAtomically(Array(text.utf8), to: URL(fileURLWithPath: markdown))
    }
    let written = try plots.map { try ReportPlots.write(report, to: URL(fileURLWithPath: $0)) } ?? []
    if json {
      print(report.json().rendered())
      return
    }
    print("\(report.rows) runs in \(files.joined(separator: ", ")) (\(report.errors) with errors, not used)")
    print("\n\(metric) by \(groups.joined(separator: ", ")):")
    print(ReportTables.aligned(groupTable))
    if !report.agreements.isEmpty {
      print("\npredictions against achieved \(achieved) (95% CI by Fisher's z; fits: \(achieved) ≈ intercept + slope·prediction, and on log10–log10 axes):")
      print(ReportTables.aligned(agreementTable))
    }
    if !rankingTable.rows.isEmpty {
      print("\ndo the predictions rank the groups as the attack does? (correlation of group means, one pair per group):")
      print(ReportTables.aligned(rankingTable))
    }
    if let a = report.agreements.first(where: { !$0.pairs.isEmpty }) {
      print("\n\(achieved) achieved against \(a.prediction):")
      print(TerminalPlots.scatter(a.pairs.map { ($0.predicted, $0.achieved) }, xTitle: a.prediction, yTitle: "\(achieved) achieved"))
    }
    if report.groups.contains(where: { $0.mean != nil }) {
      print("\nmean \(metric) ± standard deviation by \(groups.joined(separator: ", ")):")
      print(TerminalPlots.bars(report.groups.map { ($0.label, $0.mean, $0.standardDeviation) }))
    }
    if let plots, !written.isEmpty { print("\nwrote \(written.map { "\(plots)/\($0)" }.joined(separator: ", "))") }
  }
}
