import Foundation
import Leakage

/// The charts of `i2f report --plots DIR`, as SVG:
///
/// - `scatter-PREDICTION.svg`: each prediction against the achieved number, log–log, the line
///   y = x, runs coloured by the first group-by key;
/// - `by-init.svg`, `by-label.svg`: box plots (quartiles, median, whiskers at the 5th and 95th
///   percentiles) of the achieved number and of `predicted_rmse` per initialisation and per class;
/// - `groups.svg`: mean ± standard deviation of the metric (and of `predicted_rmse`) per group;
/// - `spectra.svg`: the singular values of J that rows carry (`top_singular_values`,
///   `bottom_singular_values`), by index, coloured by initialisation.
public enum ReportPlots {
  /// Every chart the report's rows allow, as (file name, SVG text).
  public static func charts(_ report: StudyReport) -> [(name: String, svg: String)] {
    var out: [(String, String)] = []
    let rows = report.results.filter { $0.error == nil }
    let colorKey = report.options.groupBy.first
    for a in report.agreements where !a.pairs.isEmpty {
      out.append(("scatter-\(a.prediction).svg", scatter(rows, prediction: a.prediction, achieved: report.options.achieved, colorBy: colorKey).rendered()))
    }
    for key in ["init", "label"] where rows.contains(where: { $0[key] != nil }) {
      if let chart = boxes(rows, by: key, metric: report.options.metric) { out.append(("by-\(key).svg", chart.rendered())) }
    }
    if let chart = groupBars(report) { out.append(("groups.svg", chart.rendered())) }
    if let chart = spectra(rows) { out.append(("spectra.svg", chart.rendered())) }
    return out
  }

  /// Writes ``charts(_:)`` into `directory` (created if needed), each file atomically; returns the names.
  public static func write(_ report: StudyReport, to directory: URL) throws -> [String] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let charts = charts(report)
    for c in charts { try FileIO.writeAtomically(Array(c.svg.utf8), to: directory.appendingPathComponent(c.name)) }
    return charts.map(\.name)
  }

  /// Prediction against achieved on shared log axes, so y = x is the diagonal.
  static func scatter(_ rows: [ResultRow], prediction: String, achieved: String, colorBy key: String?) -> SVGChart {
    let usable = rows.filter { ($0.number(prediction) ?? 0) > 0 && ($0.number(achieved) ?? 0) > 0 }
    let values = usable.flatMap { [$0.number(prediction)!, $0.number(achieved)!] }
    let scale = PlotScale(covering: values, kind: .log10)
    var chart = SVGChart(title: "\(achieved) achieved against \(prediction) (\(usable.count) runs)", xTitle: "\(prediction) (log scale)",
                         yTitle: "\(achieved) achieved (log scale)", x: .numeric(scale), y: scale)
    chart.line([(scale.lower, scale.lower), (scale.upper, scale.upper)], color: "#555555", width: 1.2, dash: "6 4")
    let categories = key.map { k in ordered(usable.map { $0[k] ?? .null }) } ?? [.null]
    var legend: [SVGChart.LegendEntry] = []
    for (i, category) in categories.enumerated() {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      let members = usable.filter { key == nil || ($0[key!] ?? .null) == category }
      chart.points(members.map { ($0.number(prediction)!, $0.number(achieved)!) }, color: color)
      if let key { legend.append(.init("\(key) \(category.stringValue ?? category.rendered()) (\(members.count))", color: color)) }
    }
    legend.append(.init("y = x (dashed)", color: "#555555"))
    chart.legend(legend)
    return chart
  }

  /// Box plots of the metric and of `predicted_rmse` per value of `key`.
  static func boxes(_ rows: [ResultRow], by key: String, metric: String) -> SVGChart? {
    let categories = ordered(rows.map { $0[key] ?? .null })
    let series = [metric, "predicted_rmse"].filter { s in s == metric || rows.contains { $0.number(s) != nil } }.uniqued()
    let all = rows.flatMap { r in series.compactMap { r.number($0) } }.filter { $0 > 0 }
    guard !all.isEmpty else { return nil }
    var chart = SVGChart(title: "\(series.joined(separator: " and ")) by \(key)", xTitle: key, yTitle: "log scale",
                         x: .categories(categories.map { $0.stringValue ?? $0.rendered() }), y: PlotScale(covering: all, kind: .log10))
    for (i, category) in categories.enumerated() {
      let members = rows.filter { ($0[key] ?? .null) == category }
      for (j, s) in series.enumerated() {
        let v = members.compactMap { $0.number(s) }.filter { $0 > 0 }
        guard let q1 = Statistics.quantile(v, 0.25), let m = Statistics.median(v), let q3 = Statistics.quantile(v, 0.75),
              let lo = Statistics.quantile(v, 0.05), let hi = Statistics.quantile(v, 0.95) else { continue }
        chart.box(category: i, of: series.count, index: j, q1: q1, median: m, q3: q3, whiskers: (lo, hi), color: SVGChart.palette[j])
      }
    }
    chart.legend(series.enumerated().map { .init("\($0.element): box = quartiles, whiskers = 5th–95th percentile", color: SVGChart.palette[$0.offset]) })
    return chart
  }

  /// Mean ± standard deviation of the metric (and of `predicted_rmse`) per group of the report.
  static func groupBars(_ report: StudyReport) -> SVGChart? {
    let rows = report.results.filter { $0.error == nil }
    let series = [report.options.metric, "predicted_rmse"].filter { s in rows.contains { $0.number(s) != nil } }.uniqued()
    guard !series.isEmpty, !report.groups.isEmpty else { return nil }
    func values(_ g: StudyReport.Group, _ s: String) -> [Double] {
      rows.filter { r in g.key.allSatisfy { (r[$0.key] ?? .null) == $0.value } }.compactMap { $0.number(s) }
    }
    let stats = report.groups.map { g in series.map { s in (Statistics.mean(values(g, s)), Statistics.standardDeviation(values(g, s))) } }
    let tops = stats.flatMap { $0.compactMap { m, sd in m.map { $0 + (sd ?? 0) } } }
    var chart = SVGChart(title: "mean ± standard deviation by \(report.options.groupBy.joined(separator: ", "))",
                         xTitle: report.options.groupBy.joined(separator: " · "), yTitle: series.joined(separator: ", "),
                         x: .categories(report.groups.map(\.label)), y: PlotScale(covering: tops + [0], kind: .linear, includeZero: true))
    for (i, groupStats) in stats.enumerated() {
      for (j, (mean, sd)) in groupStats.enumerated() {
        guard let mean else { continue }
        chart.bar(category: i, of: series.count, index: j, value: mean, error: sd, color: SVGChart.palette[j])
      }
    }
    chart.legend(series.enumerated().map { .init($0.element, color: SVGChart.palette[$0.offset]) })
    return chart
  }

  /// σ_k of J by index k (top ones at 1, 2, …; bottom ones at dx, dx−1, …), per run, by initialisation.
  static func spectra(_ rows: [ResultRow]) -> SVGChart? {
    func list(_ r: ResultRow, _ key: String) -> [Double] {
      guard case .array(let items)? = r[key] else { return [] }
      return items.compactMap(\.doubleValue)
    }
    let carrying = rows.filter { !list($0, "top_singular_values").isEmpty || !list($0, "bottom_singular_values").isEmpty }
    guard !carrying.isEmpty else { return nil }
    func series(_ r: ResultRow) -> (top: [(x: Double, y: Double)], bottom: [(x: Double, y: Double)]) {
      let top = list(r, "top_singular_values"), bottom = list(r, "bottom_singular_values")
      let dx = r.number("dx") ?? Double(top.count + bottom.count)
      return (top.enumerated().map { (Double($0.offset + 1), $0.element) }, bottom.enumerated().map { (dx - Double($0.offset), $0.element) })
    }
    let all = carrying.map(series)
    let xs = all.flatMap { $0.top.map(\.x) + $0.bottom.map(\.x) }, ys = all.flatMap { $0.top.map(\.y) + $0.bottom.map(\.y) }
    var chart = SVGChart(title: "singular values of J (\(carrying.count) runs)", xTitle: "index k (1 = largest)", yTitle: "σ_k (log scale)",
                         x: .numeric(PlotScale(covering: xs + [0], kind: .linear)), y: PlotScale(covering: ys, kind: .log10))
    let inits = ordered(carrying.map { $0["init"] ?? .null })
    for (i, initialization) in inits.enumerated() {
      let color = SVGChart.palette[i % SVGChart.palette.count]
      for (r, s) in zip(carrying, all) where (r["init"] ?? .null) == initialization {
        chart.line(s.top, color: color, width: 1, opacity: 0.4)
        chart.line(s.bottom, color: color, width: 1, opacity: 0.4)
        chart.points(s.top + s.bottom, color: color, radius: 2, opacity: 0.5)
      }
    }
    chart.legend(inits.enumerated().map { .init("init \($0.element.stringValue ?? $0.element.rendered())", color: SVGChart.palette[$0.offset % SVGChart.palette.count]) })
    return chart
  }

  /// Distinct values in natural order (numbers by value, null last).
  static func ordered(_ values: [JSONValue]) -> [JSONValue] {
    var seen = Set<String>(), distinct: [JSONValue] = []
    for v in values where seen.insert(v.rendered()).inserted { distinct.append(v) }
    return distinct.sorted { StudyReport.naturallyPrecedes($0, $1) }
  }
}

extension Array where Element: Hashable {
  /// The elements without repeats, first occurrence kept.
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
