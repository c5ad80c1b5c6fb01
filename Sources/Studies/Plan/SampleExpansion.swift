import Foundation
import Leakage

/// How one `samples` entry of a plan becomes single-sample addresses: `digits:0-199` is 200 runs,
/// `digits:0,5,9` three, `photos:chelsea` one, `batch:digits:0-3` one run on a batch of four, and
/// a safetensors file without items one run on the whole file.
///
/// Ranges may be longer than a batch (`mnist:0-9999`); each item is checked with the same parser
/// as every other command (``SampleAddress``). Canonical form: the data set name in lower case,
/// indices in decimal without leading zeros.
enum SampleExpansion {
  /// The prefix that keeps an address together as one batch run.
  static let batchPrefix = "batch:"

  /// The addresses `text` stands for, in order.
  static func expand(_ text: String) throws(SweepPlanError) -> [String] {
    try segments(text).flatMap { segment -> [String] in
      switch segment {
      case .address(let a): [a]
      case .range(let prefix, let indices): indices.map { prefix + String($0) }
      }
    }
  }

  /// How many addresses `text` stands for, checked as ``expand(_:)`` checks it but without
  /// building them (a plan of a million samples is validated and counted in microseconds).
  static func count(_ text: String) throws(SweepPlanError) -> Int {
    try segments(text).reduce(0) { total, segment in
      switch segment {
      case .address: total + 1
      case .range(_, let indices): total + indices.count
      }
    }
  }

  /// A run of addresses: one, or a prefix followed by each index of a range.
  private enum Segment {
    case address(String)
    case range(prefix: String, ClosedRange<Int>)
  }

  /// `text` parsed and checked, ranges kept as ranges.
  private static func segments(_ text: String) throws(SweepPlanError) -> [Segment] {
    if text.lowercased().hasPrefix(batchPrefix) {
      let address = try parse(String(text.dropFirst(batchPrefix.count)), entry: text)
      return [.address(batchPrefix + canonical(address))]
    }
    guard let colon = text.lastIndex(of: ":") else { return [.address(canonical(try parse(text, entry: text)))] }
    let head = String(text[..<colon]), itemText = String(text[text.index(after: colon)...])
    let headIsFile = head.contains("/") || head.lowercased().hasSuffix(".safetensors")
    do {
      return try itemSegments(head: head, itemText: itemText, address: text)
    } catch {
      // `dir/file.safetensors` whose text after a colon is not an item list is one whole-file run.
      guard headIsFile else { throw error }
      return [.address(canonical(try parse(text, entry: text)))]
    }
  }

  /// `address` parsed; an error names the plan entry it came from.
  private static func parse(_ address: String, entry: String) throws(SweepPlanError) -> SampleAddress {
    do { return try SampleAddress(parsing: address) } catch { throw .invalidValue(field: "samples", value: entry, problem: "\(error)") }
  }

  /// The segments of `head:ITEMS`, one per item.
  private static func itemSegments(head: String, itemText: String, address text: String) throws(SweepPlanError) -> [Segment] {
    func invalid(_ problem: String) -> SweepPlanError { .invalidValue(field: "samples", value: text, problem: problem) }
    var segments: [Segment] = []
    var total = 0
    for part in itemText.split(separator: ",", omittingEmptySubsequences: false) {
      let token = part.trimmingCharacters(in: .whitespaces)
      let ends = token.split(separator: "-", omittingEmptySubsequences: false)
      if ends.count == 2, let lower = Int(ends[0]), let upper = Int(ends[1]) {
        guard lower <= upper else { throw invalid("range \(token) ends before it starts") }
        guard upper - lower < SweepPlan.pointLimit else { throw invalid("range \(token) is longer than a sweep can run") }
        let first = try parse("\(head):\(lower)", entry: text)
        segments.append(.range(prefix: String(canonical(first).dropLast(String(lower).count)), lower...upper))
        total += upper - lower + 1
      } else {
        segments.append(.address(canonical(try parse("\(head):\(token)", entry: text))))
        total += 1
      }
      guard total <= SweepPlan.pointLimit else { throw invalid("selects more samples than a sweep can run") }
    }
    return segments
  }

  /// The address in canonical form.
  static func canonical(_ address: SampleAddress) -> String {
    let head: String
    switch address.source {
    case .dataset(let name): head = name.lowercased()
    case .file(let path): head = path
    }
    guard let items = address.items else { return head }
    return head + ":" + items.map { item in
      switch item {
      case .index(let i): String(i)
      case .range(let r): "\(r.lowerBound)-\(r.upperBound)"
      case .name(let n): n
      }
    }.joined(separator: ",")
  }
}
