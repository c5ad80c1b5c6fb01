import Foundation

/// Aligned "name  value  note" rows for the human-readable output of the headless commands.
struct Table {
  private var rows: [(String, String, String)] = []

  mutating func add(_ name: String, _ value: String, _ note: String = "") { rows.append((name, value, note)) }

  mutating func add(_ name: String, _ value: Double?, _ note: String = "") { add(name, Self.format(value), note) }

  /// Numbers in 4 significant digits, scientific when very large or small; "—" for nil.
  static func format(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "∞" : "-∞" }
    if x == 0 { return "0" }
    let a = Swift.abs(x)
    return a >= 1e-3 && a < 1e5 ? String(format: "%.4g", x) : String(format: "%.3e", x)
  }

  func rendered() -> String {
    let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0
    return rows.map { r in
      let name = r.0.padding(toLength: w0, withPad: " ", startingAt: 0)
      let value = String(repeating: " ", count: w1 - r.1.count) + r.1
      return "  \(name)  \(value)\(r.2.isEmpty ? "" : "  \(r.2)")"
    }.joined(separator: "\n")
  }
}
