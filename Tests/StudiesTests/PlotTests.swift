import Foundation
import Leakage
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import Studies

@Suite("Plots: scales, the SVG writer and the braille scatter")
struct PlotTests {
  /// Element counts, the texts, and whether the document parsed.
  final class Census: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    var current = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      counts[name, default: 0] += 1
      current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      if name == "text" || name == "title" { texts.append(current) }
    }
  }

  static func parse(_ svg: String) throws -> Census {
    let census = Census()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = census
    #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
    return census
  }

  @Test func scalesSnapToDecadesAndRoundSteps() {
    let log = PlotScale(covering: [0.003, 0.2, -1, .nan], kind: .log10)
    #expect(log.lower == 1e-3 && abs(log.upper - 1) < 1e-12)
    #expect(log.ticks().map(\.label) == ["10⁻³", "10⁻²", "10⁻¹", "1"])
    #expect(abs(log.fraction(0.01)! - 1.0 / 3) < 1e-12 && log.fraction(-1) == nil)
    let linear = PlotScale(covering: [0.4, 7.3], kind: .linear, includeZero: true)
    #expect(linear.lower == 0 && linear.upper == 8 && linear.ticks().map(\.label) == ["0", "2", "4", "6", "8"])
    #expect(PlotScale(covering: [], kind: .log10).ticks().count == 4)
  }

  @Test func theSVGWriterProducesWellFormedXMLWithEscapedText() throws {
    var doc = SVGDocument(width: 100, height: 50, title: "a < b & \"c\"")
    doc.text("x > 'y' \u{01}", x: 1, y: 2)
    doc.circle(cx: 3, cy: 4, r: 1.234567, fill: "#000")
    doc.polyline([(0, 0), (1, 1)], stroke: "red", dash: "2 2")
    let svg = doc.rendered()
    let census = try Self.parse(svg)
    #expect(census.counts["svg"] == 1 && census.counts["circle"] == 1 && census.counts["polyline"] == 1)
    #expect(census.texts.contains("a < b & \"c\"") && census.texts.contains("x > 'y' "))
    #expect(svg.contains(#"r="1.23""#))
  }

  @Test func reportChartsHaveAxesTicksTitlesLegendsAndOneMarkPerRun() throws {
    let spec: [(initialization: String, sample: Int, rmse: Double?, predicted: Double, error: String?)] = (0..<12).map { i in
      let rmse: Double = pow(10, -3 + Double(i) / 4)
      return (i % 2 == 0 ? "uniform" : "kaiming", i, rmse, 0.8 * rmse, nil)
    }
    var rows = try StudyReportTests.rows(spec)
    rows[0] = ResultRow(id: rows[0].id, members: rows[0].members + [("top_singular_values", .array([.number(0.2), .number(0.1)])),
                                                                     ("bottom_singular_values", .array([.number(0.001)])), ("dx", .integer(64))])
    let report = StudyReport(rows: rows, options: .init(groupBy: ["init"]))
    let charts = Dictionary(uniqueKeysWithValues: ReportPlots.charts(report).map { ($0.name, $0.svg) })
    #expect(Set(charts.keys) == ["scatter-predicted_rmse.svg", "by-init.svg", "by-label.svg", "groups.svg", "spectra.svg"])

    let scatter = try Self.parse(try #require(charts["scatter-predicted_rmse.svg"]))
    #expect(scatter.counts["circle"] == 12)
    #expect(scatter.counts["polyline"] == 1)  // y = x
    #expect(scatter.texts.contains("rmse achieved against predicted_rmse (12 runs)"))
    #expect(scatter.texts.contains("predicted_rmse (log scale)") && scatter.texts.contains("rmse achieved (log scale)"))
    #expect(scatter.texts.contains("10⁻²") && scatter.texts.contains("init uniform (6)") && scatter.texts.contains("y = x (dashed)"))

    let boxes = try Self.parse(try #require(charts["by-init.svg"]))
    #expect(boxes.texts.contains("kaiming") && boxes.texts.contains("uniform"))
    // Per init: rmse and predicted_rmse boxes (each a filled rect) over the frame, background and legend.
    let frameBackgroundLegendAndSwatches = 5, boxesPerInit = 2
    #expect(boxes.counts["rect"] == frameBackgroundLegendAndSwatches + 2 * boxesPerInit)
    let bars = try Self.parse(try #require(charts["groups.svg"]))
    #expect(bars.texts.contains("mean ± standard deviation by init"))
    let spectra = try Self.parse(try #require(charts["spectra.svg"]))
    #expect(spectra.counts["circle"] == 3 && spectra.texts.contains("singular values of J (1 runs)"))
  }

  @Test func theBrailleScatterHasLabelledLogAxesAndTheDiagonal() {
    let points = (0..<30).map { i in (x: pow(10, -3 + Double(i) / 10), y: pow(10, -3 + Double(i) / 10)) } + [(x: -1, y: 1)]
    let text = TerminalPlots.scatter(points, width: 40, height: 10, xTitle: "predicted", yTitle: "achieved")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 1 + 10 + 4)
    #expect(lines[0].hasSuffix("achieved") && lines[1...10].allSatisfy { $0.contains("┤") || $0.contains("│") })
    #expect(text.contains("10⁻³") && text.contains("10⁻¹") && text.contains("predicted"))
    #expect(text.contains("⠁ run (30, 1 not positive, not shown)") && text.contains("y = x"))
    // Points on y = x fill the diagonal from bottom-left to top-right.
    let plot = lines[1...10].map { String($0.split(separator: "┤", maxSplits: 1).last ?? $0.split(separator: "│", maxSplits: 1).last ?? "") }
    #expect(plot.first!.last { $0 != " " } != nil && plot.last!.first { $0 != " " } != nil)
    let bars = TerminalPlots.bars([("a", 2, 0.5), ("bb", 1, nil), ("c", nil, nil)], width: 8)
    #expect(bars == "  a   ████████ 2 ± 0.5\n  bb  ████     1\n  c   —")
  }
}
