import Foundation
import Testing

@testable import Explorer

@Suite struct ChartTests {
  @Test func sparklineLevelsFollowRatatui() {
    let canvas = rendered(Sparkline(values: (0...8).map(Double.init), range: 0...8), width: 9, height: 1)
    // The bottom of the range is the lowest visible bar (a value is never invisible), the top the full block.
    #expect(canvas.text == "▁▂▃▄▅▅▆▇█")
    let ascii = rendered(Sparkline(values: (0...8).map(Double.init)), width: 9, height: 1, context: monoASCII)
    #expect(ascii.text == ".,:-==+*#")
  }

  @Test func sparklineShowsTheLatestOrCompresses() {
    let values = (1...20).map(Double.init)
    #expect(Sparkline(values: values).columns(width: 5) == [16, 17, 18, 19, 20])
    #expect(Sparkline(values: values, overflow: .compress).columns(width: 5) == [2.5, 6.5, 10.5, 14.5, 18.5])
    #expect(Sparkline(values: [1, 2]).columns(width: 5) == [1, 2])
  }

  @Test func sparklineSkipsValuesItCannotShow() {
    let canvas = rendered(Sparkline(values: [1, .nan, 10, 0, 100], scale: .logarithmic), width: 5, height: 1)
    #expect(canvas.text == "▁ ▅ █")
  }

  @Test func brailleBits() {
    #expect(LineChart.brailleBit(column: 0, row: 0) == 0x01)
    #expect(LineChart.brailleBit(column: 0, row: 3) == 0x40)
    #expect(LineChart.brailleBit(column: 1, row: 3) == 0x80)
    // A rising line across one cell: dots (0,3) (0,2) (1,1) (1,0), bottom left to top right.
    let canvas = rendered(LineChart(values: [0, 1], showsRangeLabels: false), width: 1, height: 1)
    #expect(canvas[0, 0].scalar == Unicode.Scalar(0x2800 + 0x40 + 0x04 + 0x10 + 0x08)!)
  }

  /// A decaying spectrum like that of J·Jᵀ: λᵢ = 10^(3 − 8·i/(n−1)).
  static let spectrum: [Double] = (0..<64).map { i in pow(10, 3 - 8 * Double(i) / 63) }

  @Test func markerColumnUsesTheAccentStyle() {
    let chart = LineChart(values: Self.spectrum, scale: .logarithmic, marker: 0, showsRangeLabels: false)
    let canvas = rendered(chart, width: 20, height: 4)
    #expect((0..<4).allSatisfy { canvas[0, $0].style == colorUnicode.theme.accent })
    #expect(canvas[5, 3].style != colorUnicode.theme.accent)
  }

  @Test(arguments: [(40, 8), (16, 3)])
  func snapshots(width: Int, height: Int) {
    let size = "\(width)x\(height)"
    let loss: [Double] = (0..<120).map { (i: Int) -> Double in
      let bump: Double = i % 7 == 0 ? 0.05 : 0
      return 1 / (1 + Double(i) * 0.2) + bump
    }
    assertSnapshot(
      rendered(Sparkline(values: loss, overflow: .compress), width: width, height: min(height, 2)),
      named: "sparkline-\(size)")
    assertSnapshot(
      rendered(Sparkline(values: loss, overflow: .compress), width: width, height: min(height, 2), context: monoASCII),
      named: "sparkline-mono-\(size)")
    let spectrum = LineChart(values: Self.spectrum, scale: .logarithmic, marker: 40)
    assertSnapshot(rendered(spectrum, width: width, height: height), named: "spectrum-line-\(size)")
    assertSnapshot(
      rendered(spectrum, width: width, height: height, context: monoASCII), named: "spectrum-line-mono-\(size)")
    let area = LineChart(values: loss, fill: .area)
    assertSnapshot(rendered(area, width: width, height: height), named: "loss-area-\(size)")
    assertSnapshot(rendered(area, width: width, height: height, context: monoASCII), named: "loss-area-mono-\(size)")
  }
}
