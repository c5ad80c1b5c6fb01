import Foundation

/// The canonical spellings that make equal configurations hash to equal ids: `1e-3`, `0.001` and
/// `1.0e-3` are one number, `Gaussian:1E-3` and `gaussian:0.001` one perturbation. These rules
/// are part of the id scheme: changing them changes ids, so they are our own, not borrowed from
/// the formatting of other types.
enum CanonicalText {
  /// A number in one spelling: integers as integers (`2`), others in Swift's shortest
  /// round-tripping form (`0.001`, `1e-05`); nil when `text` is not a finite number.
  static func number(_ text: String) -> String? {
    guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite else { return nil }
    return number(x)
  }

  static func number(_ x: Double) -> String {
    if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
  }

  /// A `kind:arg:arg` specification (perturbations, ridges) in lower case with canonical numbers;
  /// the path of `file:PATH` is kept as written.
  static func specification(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    if parts.count == 2, parts[0].lowercased() == "file" { return "file:" + parts[1] }
    return trimmed.split(separator: ":", omittingEmptySubsequences: false).map { part in
      let p = String(part)
      return number(p) ?? p.lowercased()
    }.joined(separator: ":")
  }
}
