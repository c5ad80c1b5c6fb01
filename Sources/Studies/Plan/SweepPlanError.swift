/// Why a sweep plan cannot be read or expanded: each case names the field or file and the problem.
public enum SweepPlanError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A plan key no field has; `suggestion` is the key that was probably meant.
  case unknownField(file: String?, key: String, suggestion: String?, known: [String])
  /// One value of a field is not valid.
  case invalidValue(field: String, value: String, problem: String)
  /// The plan file is not a JSON object of lists.
  case malformed(file: String, problem: String)
  /// A field was given an empty list (the plan would have no points).
  case empty(field: String)
  /// A field without a default was not given.
  case missing(field: String)
  /// The plan expands to more points than a sweep handles.
  case tooManyPoints(Int, limit: Int)
  /// Two different configurations hash to the same id (astronomically unlikely; reported, never merged).
  case idCollision(id: String, first: String, second: String)

  public var description: String {
    switch self {
    case .unknownField(let file, let key, let suggestion, let known):
      let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
      return "\(file.map { "\($0): " } ?? "")unknown plan field \"\(key)\"\(hint); known fields: \(known.joined(separator: ", "))"
    case .invalidValue(let field, let value, let problem): return "\(field): '\(value)': \(problem)"
    case .malformed(let file, let problem): return "\(file): \(problem)"
    case .empty(let field): return "\(field): the list is empty (a sweep needs at least one value per field)"
    case .missing(let field): return "no \(field) given (--\(field) on the command line or \"\(field)\" in the plan file)"
    case .tooManyPoints(let n, let limit): return "the plan expands to \(n) runs; at most \(limit) per sweep (split it into several plans)"
    case .idCollision(let id, let first, let second): return "two configurations share the id \(id): \(first) and \(second)"
    }
  }
}
