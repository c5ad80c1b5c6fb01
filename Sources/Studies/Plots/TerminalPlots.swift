import Foundation

/// Plots drawn with text for `i2f report`: a braille scatter of predicted against achieved (log
/// axes, labelled decades, the line y = x dotted) and horizontal bars per group.
public enum TerminalPlots {
  /// A scatter of (x, y) on log–log axes, `width` × `height` characters of plot area (each a 2×4
  /// grid of braille dots). Points that are not positive are left out (and counted in the legend).
  public static func scatter(_ points: [(x: Double, y: Double)], width: Int = 56, height: Int = 14,
                             xTitle: String, yTitle: String, diagonal: Bool = true) -> String {
    let shown = points.filter { $0.x > 0 && $0.y > 0 && $0.x.isFinite && $0.y.isFinite }
    let xs = PlotScale(covering: shown.map(\.x), kind: .log10), ys = PlotScale(covering: shown.map(\.y), kind: .log10)
    let (dotsX, dotsY) = (width * 2, height * 4)
    var data = [UInt8](repeating: 0, count: width * height), line = data
    func dot(_ grid: inout [UInt8], _ column: Int, _ row: Int) {
      guard column >= 0, column < dotsX, row >= 0, row < dotsY else { return }
      let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
      grid[(row / 4) * width + column / 2] |= bits[column % 2][row % 4]
    }
    func column(_ fx: Double) -> Int { Int((fx * Double(dotsX - 1)).rounded()) }
    func row(_ fy: Double) -> Int { dotsY - 1 - Int((fy * Double(dotsY - 1)).rounded()) }
    for p in shown {
      if let fx = xs.fraction(p.x), let fy = ys.fraction(p.y) { dot(&data, column(fx), row(fy)) }
    }
    if diagonal {
      for c in stride(from: 0, to: dotsX, by: 3) {
        if let fy = ys.fraction(xs.value(at: Double(c) / Double(dotsX - 1))), fy >= 0, fy <= 1 { dot(&line, c, row(fy)) }
      }
    }
    // y tick labels on the rows their decades fall in.
    var yLabels = [String](repeating: "", count: height)
    for t in ys.ticks() {
      if let fy = ys.fraction(t.value) { yLabels[min(max(row(fy) / 4, 0), height - 1)] = t.label }
    }
    let labelWidth = max(yLabels.map(\.count).max() ?? 0, 1)
    var out = [String(repeating: " ", count: labelWidth + 1) + yTitle]
    for r in 0..<height {
      let cells = (0..<width).map { c -> Character in
        let bits = data[r * width + c] | line[r * width + c]
        return bits == 0 ? " " : Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
      }
      let label = yLabels[r]
      out.append(String(repeating: " ", count: labelWidth - label.count) + label + (label.isEmpty ? " │" : " ┤") + String(cells))
    }
    // x axis with a tick mark and a label under each decade.
    var axis = Array(String(repeating: "─", count: width)), labels = Array(String(repeating: " ", count: width + 8))
    for t in xs.ticks() {
      guard let fx = xs.fraction(t.value) else { continue }
      let c = min(max(column(fx) / 2, 0), width - 1)
      axis[c] = "┬"
      let start = min(max(c - t.label.count / 2, 0), labels.count - t.label.count)
      if labels[start..<(start + t.label.count)].allSatisfy({ $0 == " " }) && (start == 0 || labels[start - 1] == " ") {
        labels.replaceSubrange(start..<(start + t.label.count), with: Array(t.label))
      }
    }
    let pad = String(repeating: " ", count: labelWidth + 1)
    out.append(pad + "└" + String(axis))
    out.append(pad + " " + String(labels).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
    out.append(pad + " " + String(repeating: " ", count: max((width - xTitle.count) / 2, 0)) + xTitle)
    let hidden = points.count - shown.count
    out.append(pad + " ⠁ run (\(shown.count)\(hidden > 0 ? ", \(hidden) not positive, not shown" : ""))" + (diagonal ? "   ⠁ ⠈ ⠁ y = x (dotted)" : "") + "   log–log axes")
    return out.joined(separator: "\n")
  }

  /// Horizontal bars from 0 for each item's value (eighth-block resolution), with the value and
  /// `± spread` printed after the bar.
  public static func bars(_ items: [(label: String, value: Double?, spread: Double?)], width: Int = 40) -> String {
    let top = items.compactMap(\.value).filter(\.isFinite).max() ?? 0
    let labelWidth = items.map(\.label.count).max() ?? 0
    let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return items.map { item in
      let label = item.label + String(repeating: " ", count: labelWidth - item.label.count)
      guard let v = item.value, v.isFinite else { return "  \(label)  —" }
      let units = top > 0 ? Int((max(v, 0) / top * Double(width * 8)).rounded()) : 0
      let bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
      let spread = item.spread.map { " ± \(ReportTables.format($0))" } ?? ""
      return "  \(label)  \(bar)\(String(repeating: " ", count: max(width - bar.count, 0))) \(ReportTables.format(v))\(spread)"
    }.joined(separator: "\n")
  }
}
