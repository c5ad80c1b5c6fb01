/// How the results list is ordered: by one column (runs without a value last, in either
/// direction), or as in the file.
public struct ResultsSort: Sendable, Hashable {
  /// nil: file order.
  public var column: ResultsColumn?
  public var descending: Bool

  public init(_ column: ResultsColumn?, descending: Bool = false) {
    self.column = column
    self.descending = descending
  }

  /// The orders `o` steps through, the most useful first. A low RMSE is a close reconstruction,
  /// so the worst protected runs are those with the lowest RMSE.
  public static let cycle: [ResultsSort] = [
    ResultsSort(.achieved), ResultsSort(.predicted), ResultsSort(.predicted, descending: true), ResultsSort(.sample), ResultsSort(nil),
  ]

  /// In words, for the title bar.
  public var label: String {
    switch (column, descending) {
    case (nil, _): "file order"
    case (.achieved?, false): "worst protected first (achieved RMSE ↑)"
    case (.predicted?, false): "worst protected first by I2F (predicted RMSE ↑)"
    case (.predicted?, true): "best protected first by I2F (predicted RMSE ↓)"
    case (let c?, let d): "\(c.title) \(d ? "↓" : "↑")"
    }
  }

  /// In a word or two, for narrow screens.
  public var shortLabel: String {
    guard let column else { return "file order" }
    return "\(column.title) \(descending ? "↓" : "↑")"
  }
}
