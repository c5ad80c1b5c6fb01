/// Several result files (shards, reruns) joined into one row per id.
///
/// Rules: within a file the last row per id wins. Across files, the same result twice is one row
/// (volatile keys such as `seconds` and `host` are ignored when comparing); a result beats an
/// error row for the same id (a shard that retried it); two different results for one id are a
/// **conflict**, and the merge fails naming them. With a plan, ids of the plan that no file has are
/// **missing**; rows whose ids the plan does not have are kept and counted as extra.
public struct ResultMerge: Sendable {
  /// One row per id: in plan order when a plan is given (extra ids after), else in the order ids
  /// first appear.
  public let rows: [ResultRow]
  /// Complete rows read from all inputs.
  public let inputRows: Int
  /// Rows dropped because the same result (or error) was already there, or an earlier row in the
  /// same file was superseded.
  public let duplicatesDropped: Int
  /// Error rows dropped because another file has a result for the id.
  public let supersededErrors: Int
  /// Ids with different results in different files.
  public let conflicts: [String]
  /// Ids of the plan without any row.
  public let missing: [String]
  /// Ids not in the plan.
  public let extra: [String]

  /// Merges `files` in order; `plan` enables the missing/extra check.
  public init(_ files: [ResultFile], plan: [SweepPoint]? = nil) {
    var order: [String] = []
    var chosen: [String: ResultRow] = [:]
    var duplicates = 0, superseded = 0
    var conflicts: [String] = [], conflicted = Set<String>()
    for file in files {
      let latest = file.latest
      duplicates += file.rows.count - latest.count
      for row in latest {
        guard let existing = chosen[row.id] else {
          chosen[row.id] = row
          order.append(row.id)
          continue
        }
        switch (existing.error, row.error) {
        case (nil, nil):
          if existing.sameResult(as: row) {
            duplicates += 1
          } else if conflicted.insert(row.id).inserted {
            conflicts.append(row.id)
          }
        case (.some, nil):
          chosen[row.id] = row
          superseded += 1
        case (nil, .some): superseded += 1
        case (.some, .some): duplicates += 1
        }
      }
    }
    inputRows = files.reduce(0) { $0 + $1.rows.count }
    duplicatesDropped = duplicates
    supersededErrors = superseded
    self.conflicts = conflicts
    if let plan {
      let planned = Set(plan.map(\.id))
      missing = plan.map(\.id).filter { chosen[$0] == nil }
      extra = order.filter { !planned.contains($0) }
      rows = plan.compactMap { chosen[$0.id] } + extra.compactMap { chosen[$0] }
    } else {
      missing = []
      extra = []
      rows = order.compactMap { chosen[$0] }
    }
  }

  /// Throws when there are conflicts, or missing ids unless `allowMissing`.
  public func check(allowMissing: Bool) throws(MergeError) {
    if !conflicts.isEmpty { throw .conflicts(conflicts) }
    if !missing.isEmpty && !allowMissing { throw .missing(missing) }
  }

  /// The merged file's contents: one line per row.
  public var bytes: [UInt8] { Array(rows.map { $0.line + "\n" }.joined().utf8) }
}

/// Why a merge was refused: the ids at fault (a count and the first few).
public enum MergeError: Error, CustomStringConvertible, Equatable, Sendable {
  case conflicts([String])
  case missing([String])

  public var description: String {
    switch self {
    case .conflicts(let ids):
      "\(ids.count) id\(ids.count == 1 ? " has" : "s have") different results in different files: \(Self.firstFew(ids)) (the same run gave different numbers; nothing was written)"
    case .missing(let ids):
      "\(ids.count) run\(ids.count == 1 ? " of the plan has" : "s of the plan have") no row: \(Self.firstFew(ids)) (rerun their shards, or pass --allow-missing; nothing was written)"
    }
  }

  static func firstFew(_ ids: [String]) -> String {
    ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", …" : "")
  }
}
