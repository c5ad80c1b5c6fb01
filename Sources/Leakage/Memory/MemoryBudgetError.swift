/// A memory request that does not fit the budget, or a size that does not parse.
public enum MemoryBudgetError: Error, Equatable, CustomStringConvertible, Sendable {
  /// `what` needs `bytes` but the budget allows `limit`.
  case exceeded(what: String, bytes: Int, limit: Int, origin: String, suggestion: String?)
  /// `--max-memory` text that is not a positive size.
  case invalidSize(String)

  public var description: String {
    switch self {
    case let .exceeded(what, bytes, limit, origin, suggestion):
      let advice = suggestion.map { "; \($0)" } ?? ""
      return "\(what) needs \(MemoryBudget.format(bytes: bytes)) but the memory limit is "
        + "\(MemoryBudget.format(bytes: limit)) (\(origin))\(advice)"
    case let .invalidSize(text):
      return "memory size \"\(text)\" is not a positive number with an optional K, M, G or T suffix (e.g. 8G, 512M)"
    }
  }
}
