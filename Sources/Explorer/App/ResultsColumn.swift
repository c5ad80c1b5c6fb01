/// The columns of the results list, in screen order.
public enum ResultsColumn: Int, CaseIterable, Sendable, Hashable {
  case sample, label, model, initialization, noise, attack, predicted, expected, achieved, status

  /// The header text.
  public var title: String {
    switch self {
    case .sample: "sample"
    case .label: "label"
    case .model: "model"
    case .initialization: "init"
    case .noise: "noise"
    case .attack: "attack"
    case .predicted: "predicted"
    case .expected: "expected"
    case .achieved: "achieved"
    case .status: "status"
    }
  }

  /// Whether the column holds numbers (RMSEs): right-aligned, sorted numerically.
  public var isNumeric: Bool { self == .predicted || self == .expected || self == .achieved }

  /// Columns dropped first when the screen is narrow (after those equal in every row).
  static let dropOrder: [ResultsColumn] = [.expected, .label, .model, .attack, .initialization, .noise, .predicted, .achieved, .sample]

  /// Widest a text column gets (longer values are cut with an ellipsis).
  var maximumWidth: Int {
    switch self {
    case .sample: 20
    case .label: 5
    case .model: 14
    case .initialization: 16
    case .noise: 18
    case .attack: 12
    case .predicted, .expected, .achieved: 10  // the title and the sort arrow
    case .status: 60
    }
  }
}
