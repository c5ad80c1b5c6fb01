import Foundation
import Leakage
import Studies

/// One run of a result file as the results list shows it: the row, and each column's text and
/// (for the RMSE columns) number, read once when the file is loaded.
public struct ResultsEntry: Sendable {
  /// The last row of its id.
  public let row: ResultRow
  /// Position of the id in the file (0 for the first id).
  public let position: Int
  /// Text per column, in ``ResultsColumn`` order.
  public let texts: [String]
  /// Number per column (RMSE columns only; nil elsewhere or when missing).
  public let numbers: [Double?]
  /// Lower-cased text the filter searches: every column, the id, the error and the details.
  let haystack: String

  public init(row: ResultRow, position: Int) {
    self.row = row
    self.position = position
    let predicted = row.number("predicted_rmse") ?? row.number("predicted_ridge_rmse")
    let expected = row.number("expected_rmse") ?? row.number("expected_ridge_rmse")
    let achieved = row.number("rmse")
    var numbers = [Double?](repeating: nil, count: ResultsColumn.allCases.count)
    numbers[ResultsColumn.predicted.rawValue] = predicted
    numbers[ResultsColumn.expected.rawValue] = expected
    numbers[ResultsColumn.achieved.rawValue] = achieved
    self.numbers = numbers
    texts = ResultsColumn.allCases.map { column in
      switch column {
      case .sample: return row.text("sample")
      case .label: return Self.labels(row)
      case .model: return row.text("model").lastPathComponent + (row["width"].map { " w\($0.rendered())" } ?? "")
      case .initialization: return row.text("init").lastPathComponent + " s\(row.text("seed"))"
      case .noise: return row.text("noise")
      case .attack: return row.text("attack") + (row["iterations"].map { "×\($0.rendered())" } ?? "")
      case .predicted, .expected, .achieved:
        return numbers[column.rawValue].map { NumberFormat.scientific($0, significantDigits: 3) } ?? "—"
      case .status:
        if let error = row.error { return "error: \(error)" }
        if let status = row["status"]?.stringValue { return status }
        return row.text("attack") == "none" ? "I2F only" : "—"
      }
    }
    haystack = (texts + [row.id, row.text("model_summary"), row.text("weights"), row.text("method")]).joined(separator: " ").lowercased()
  }

  /// The row's labels (`3`, `1,7`), `—` when it has none (error rows).
  static func labels(_ row: ResultRow) -> String {
    if case .array(let items)? = row["labels"] { return items.map { $0.rendered() }.joined(separator: ",") }
    if let label = row["label"], label != .null { return label.rendered() }
    return "—"
  }

  /// The text shown in `column`.
  public func text(_ column: ResultsColumn) -> String { texts[column.rawValue] }

  /// The number in `column` (an RMSE), nil when the run has none.
  public func number(_ column: ResultsColumn) -> Double? { numbers[column.rawValue] }

  /// Whether the run failed.
  public var isError: Bool { row.error != nil }

  /// Whether every space-separated term of `filter` appears (case-insensitively) in the entry.
  public func matches(_ filter: String) -> Bool {
    filter.lowercased().split(separator: " ").allSatisfy { haystack.contains($0) }
  }
}

extension String {
  /// The last path component (`Weights/a.safetensors` → `a.safetensors`); names stay as they are.
  fileprivate var lastPathComponent: String { contains("/") ? (self as NSString).lastPathComponent : self }
}
