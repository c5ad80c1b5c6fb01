import Foundation

/// Where a sample comes from, written the same way in every command and menu:
///
/// - `digits:17`, `faces:3`, `photos:chelsea` (by name or index), `mnist:0`, `cifar10:42`
///   (`mnist-train`, `cifar10-train` for the training halves; these need a data directory);
/// - small batches: `digits:0,5,9`, `digits:0-3`, `photos:chelsea,coffee`;
/// - a safetensors file with `x` `[B, C, H, W]` and `y` `[B]`: `batch.safetensors` (all of it) or
///   `batch.safetensors:2`, `batch.safetensors:0-3`. Any text containing `/` or ending in
///   `.safetensors` (before an optional `:items`) is a file path.
public struct SampleAddress: Sendable, Equatable, CustomStringConvertible {
  /// The data set or file the images come from.
  public enum Source: Sendable, Equatable {
    /// A named data set (embedded or in the data directory).
    case dataset(String)
    /// A safetensors file path.
    case file(String)
  }

  /// One element of the item list.
  public enum Item: Sendable, Equatable, CustomStringConvertible {
    /// One image by index.
    case index(Int)
    /// Images `lower…upper`, inclusive.
    case range(ClosedRange<Int>)
    /// One image by name (photos).
    case name(String)

    public var description: String {
      switch self {
      case .index(let i): return String(i)
      case .range(let r): return "\(r.lowerBound)-\(r.upperBound)"
      case .name(let n): return n
      }
    }
  }

  /// The embedded data sets, shipped in `Samples/`.
  public static let embeddedDatasets = ["digits", "faces", "photos"]
  /// The data sets read from a user's data directory.
  public static let externalDatasets = ["mnist", "mnist-train", "cifar10", "cifar10-train"]
  /// Every data set name an address may start with.
  public static var datasetNames: [String] { embeddedDatasets + externalDatasets }
  /// The most images one address may select (inversion attacks use small batches).
  public static let maxBatch = 1024

  /// Where the images come from.
  public let source: Source
  /// The selected images; nil means the whole file (only for files).
  public let items: [Item]?

  /// An address from its parts.
  public init(source: Source, items: [Item]?) {
    self.source = source
    self.items = items
  }

  /// Parses an address; the error says what is wrong and what would be valid.
  public init(parsing text: String) throws(DataError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func fail(_ problem: String) -> DataError { .invalidAddress(address: text, problem: problem) }
    guard !trimmed.isEmpty else { throw fail("empty (expected e.g. digits:17, photos:chelsea, mnist:0 or a .safetensors file)") }

    // Split off the item list after the last colon, if there is one.
    var head = trimmed
    var itemText: String?
    if let colon = trimmed.lastIndex(of: ":") {
      head = String(trimmed[..<colon])
      itemText = String(trimmed[trimmed.index(after: colon)...])
    }
    let looksLikeFile = { (s: String) in s.contains("/") || s.lowercased().hasSuffix(".safetensors") }

    if looksLikeFile(trimmed) || looksLikeFile(head) {
      // `dir/file.safetensors:2` has items only if the text after the colon parses as items.
      if let itemText, looksLikeFile(head), let items = try? Self.parseItems(itemText, address: text, allowNames: true) {
        self.init(source: .file(head), items: items)
      } else {
        self.init(source: .file(trimmed), items: nil)
      }
      return
    }

    let name = head.lowercased()
    guard Self.datasetNames.contains(name) else { throw DataError.unknownDataset(name: head, valid: Self.datasetNames) }
    guard let itemText, !itemText.isEmpty else {
      throw fail("no image selected (write \(name):INDEX, e.g. \(name):0, or \(name):0-3 for a batch)")
    }
    self.init(source: .dataset(name), items: try Self.parseItems(itemText, address: text, allowNames: true))
  }

  /// Parses `0,5,9`, `0-3`, `chelsea` and mixtures.
  static func parseItems(_ text: String, address: String, allowNames: Bool) throws(DataError) -> [Item] {
    func fail(_ problem: String) -> DataError { .invalidAddress(address: address, problem: problem) }
    var items: [Item] = []
    var total = 0
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let token = part.trimmingCharacters(in: .whitespaces)
      guard !token.isEmpty else { throw fail("empty item in the list \"\(text)\"") }
      if token.allSatisfy(\.isASCIIDigit) {
        guard let index = Int(token) else { throw fail("index \(token) is too large") }
        items.append(.index(index))
        total += 1
      } else if let dash = token.firstIndex(of: "-"), token.first?.isASCIIDigit == true,
                token[..<dash].allSatisfy(\.isASCIIDigit), token[token.index(after: dash)...].allSatisfy(\.isASCIIDigit),
                token.index(after: dash) < token.endIndex {
        guard let lower = Int(token[..<dash]), let upper = Int(token[token.index(after: dash)...]) else {
          throw fail("range \(token) is too large")
        }
        guard lower <= upper else { throw fail("range \(token) ends before it starts") }
        items.append(.range(lower...upper))
        total += min(upper - lower + 1, maxBatch + 1)
      } else if token.hasPrefix("-") {
        throw fail("negative index \(token) (indices start at 0)")
      } else {
        let allowed = token.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "_-.".unicodeScalars.contains($0) }
        guard allowNames, allowed else {
          throw fail("\"\(token)\" is not an index (N), a range (N-M) or an item name")
        }
        // A leading combining mark would fuse with the `:` or `,` written before the name into one
        // character, and the canonical text would no longer split where it was joined.
        if let first = token.unicodeScalars.first, first.properties.generalCategory.isCombiningMark {
          throw fail("item name \"\(token)\" starts with a combining mark")
        }
        items.append(.name(token))
        total += 1
      }
      guard total <= maxBatch else { throw fail("selects more than \(maxBatch) images") }
    }
    return items
  }

  /// The canonical text of the address.
  public var description: String {
    let head: String
    switch source {
    case .dataset(let name): head = name
    case .file(let path): head = path
    }
    guard let items else { return head }
    return head + ":" + items.map(\.description).joined(separator: ",")
  }
}

extension Character {
  /// `0`…`9` only (not other Unicode digits).
  var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension Unicode.GeneralCategory {
  /// Nonspacing, spacing and enclosing marks: scalars that attach to the character before them.
  var isCombiningMark: Bool { self == .nonspacingMark || self == .spacingMark || self == .enclosingMark }
}
