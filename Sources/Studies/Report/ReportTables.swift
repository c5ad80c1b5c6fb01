import Foundation

/// The group table and the agreement table of a ``StudyReport`` as aligned text, CSV and Markdown.
public enum ReportTables {
  /// Header and rows of the group table: the group keys, n, errors, mean, std, median of the
  /// metric, then the median of each prediction.
  public static func groupTable(_ report: StudyReport) -> (header: [String], rows: [[String]]) {
    let predictions = report.groups.first?.predictionMedians.map(\.key) ?? []
    let m = report.options.metric
    let header = report.options.groupBy + ["n", "errors", "mean \(m)", "std \(m)", "median \(m)"] + predictions.map { "median \($0)" }
    let rows = report.groups.map { g in
      g.key.map { $0.value.stringValue ?? $0.value.rendered() } + [String(g.count), String(g.errors)]
        + [g.mean, g.standardDeviation, g.median].map(format) + g.predictionMedians.map { format($0.median) }
    }
    return (header, rows)
  }

  /// Header and rows of the agreement table: each prediction against the achieved number.
  public static func agreementTable(_ report: StudyReport) -> (header: [String], rows: [[String]]) {
    let header = ["prediction", "n", "Pearson r", "95% CI", "Spearman ρ", "95% CI", "slope", "intercept", "R²", "log slope", "log intercept", "log R²"]
    let rows = report.agreements.map { a -> [String] in
      let c = a.correlation
      return [a.prediction, String(c.n), format(c.pearson), interval(c.pearsonInterval), format(c.spearman), interval(c.spearmanInterval),
              format(a.linear?.slope), format(a.linear?.intercept), format(a.linear?.rSquared),
              format(a.logLog?.slope), format(a.logLog?.intercept), format(a.logLog?.rSquared)]
    }
    return (header, rows)
  }

  /// Columns padded to line up; numbers right-aligned.
  public static func aligned(_ table: (header: [String], rows: [[String]]), indent: String = "  ") -> String {
    let all = [table.header] + table.rows
    let widths = table.header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
    return all.map { row in
      indent + row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: max(widths[c] - cell.count, 0))
        return Double(cell.replacingOccurrences(of: "%", with: "")) != nil ? pad + cell : cell + pad
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }.joined(separator: "\n")
  }

  /// RFC 4180 CSV (fields with commas, quotes or newlines quoted).
  public static func csv(_ table: (header: [String], rows: [[String]])) -> String {
    func field(_ s: String) -> String {
      s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
    return ([table.header] + table.rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// A GitHub-flavoured Markdown table (pipes in cells escaped).
  public static func markdown(_ table: (header: [String], rows: [[String]])) -> String {
    func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
    return ([row(table.header), "|" + table.header.map { _ in " --- |" }.joined()] + table.rows.map(row)).joined(separator: "\n") + "\n"
  }

  /// Four significant digits, scientific outside [1e-3, 1e5); `—` for nil.
  public static func format(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x == 0 { return "0" }
    let a = abs(x)
    return a >= 1e-3 && a < 1e5 ? String(format: "%.4g", x) : String(format: "%.3e", x)
  }

  static func interval(_ r: ClosedRange<Double>?) -> String {
    guard let r else { return "—" }
    return "[\(String(format: "%.3f", r.lowerBound)), \(String(format: "%.3f", r.upperBound))]"
  }
}
