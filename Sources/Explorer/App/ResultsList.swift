import Leakage
import Studies

/// The results screen's list: the runs of one result file (the last row per id), sorted and
/// filtered, with a selection and a scroll position. A value the update changes with keys.
public struct ResultsList: Sendable {
  /// The file as given.
  public let path: String
  /// One entry per id, in file order.
  public let entries: [ResultsEntry]
  /// Bytes after the file's last newline when it was read (a row cut off mid-write), not listed.
  public let tornBytes: Int
  /// The order shown.
  public private(set) var sort = ResultsSort.cycle[0]
  /// Space-separated terms every shown run contains (case-insensitively); empty: all runs.
  public private(set) var filter = ""
  /// True while keys are typed into the filter.
  public var isFiltering = false
  /// Indices into ``entries`` shown, in order (filtered, then sorted).
  public private(set) var order: [Int] = []
  /// Position in ``order`` of the selected run (0 when the list is empty).
  public private(set) var selection = 0
  /// Position in ``order`` of the first visible run.
  public private(set) var scroll = 0
  /// Id of the run last opened in the main view (marked in the list).
  public var opened: String?

  /// The list of `rows` (every row of the file; the last row per id wins), worst protected first:
  /// by the achieved RMSE when some run has one, else (no attack ran) by the predicted RMSE.
  public init(path: String, rows: [ResultRow], tornBytes: Int = 0) {
    self.path = path
    self.tornBytes = tornBytes
    entries = ResultFile.latest(rows).enumerated().map { ResultsEntry(row: $1, position: $0) }
    sort = orders.first ?? ResultsSort(nil)
    reorder(keeping: nil)
  }

  /// The list of a file as read.
  public init(file: ResultFile) {
    self.init(path: file.path, rows: file.rows, tornBytes: file.tornBytes)
  }

  /// `file` re-read, keeping this list's order, filter and selected run.
  public func reloaded(_ file: ResultFile) -> ResultsList {
    var list = ResultsList(file: file)
    list.sort = sort
    list.filter = filter
    list.opened = opened
    list.scroll = scroll
    list.reorder(keeping: selected?.row.id)
    return list
  }

  /// What became of a torn last line, or nil when the file ends with a complete one.
  public var tornNote: String? {
    tornBytes > 0 ? "a torn last line (\(tornBytes) bytes, a run cut off mid-write) is not listed" : nil
  }

  /// The selected run, if any is shown.
  public var selected: ResultsEntry? { order.indices.contains(selection) ? entries[order[selection]] : nil }

  /// Runs that failed.
  public var errorCount: Int { entries.count(where: \.isError) }

  /// Orders the list by `newSort`, keeping the selected run selected.
  public mutating func setSort(_ newSort: ResultsSort) {
    sort = newSort
    reorder(keeping: selected?.row.id)
  }

  /// The orders of ``ResultsSort/cycle`` that order something: those by an RMSE column no run has are left out.
  public var orders: [ResultsSort] {
    ResultsSort.cycle.filter { sort in
      guard let column = sort.column, column.isNumeric else { return true }
      return entries.contains { $0.number(column) != nil }
    }
  }

  /// The next order of ``orders``.
  public mutating func cycleSort() {
    let orders = orders
    let i = orders.firstIndex(of: sort).map { $0 + 1 } ?? 0
    setSort(orders[i % orders.count])
  }

  /// Sorts by `column`, ascending; again by the same column reverses the order.
  public mutating func sort(by column: ResultsColumn) {
    setSort(sort.column == column ? ResultsSort(column, descending: !sort.descending) : ResultsSort(column))
  }

  /// Shows only the runs matching `text` (see ``ResultsEntry/matches(_:)``).
  public mutating func setFilter(_ text: String) {
    filter = text
    reorder(keeping: selected?.row.id)
  }

  /// Moves the selection by `delta` runs, scrolling so it stays among `rows` visible rows.
  public mutating func move(by delta: Int, rows: Int) {
    guard !order.isEmpty else { return }
    selection = Swift.min(Swift.max(0, selection + delta), order.count - 1)
    scroll = ListPicker.offset(keeping: selection, current: scroll, rows: rows, count: order.count)
  }

  /// The first visible position for a list `rows` high (the terminal may have changed size since
  /// the last key).
  public func visibleOffset(rows: Int) -> Int {
    ListPicker.offset(keeping: selection, current: scroll, rows: rows, count: order.count)
  }

  /// Refilters and resorts, selecting the run `id` again when it is still shown (else the first).
  private mutating func reorder(keeping id: String?) {
    let shown = entries.indices.filter { filter.isEmpty || entries[$0].matches(filter) }
    order = shown.sorted(by: Self.ordering(entries, sort))
    selection = id.flatMap { id in order.firstIndex { entries[$0].row.id == id } } ?? 0
  }

  /// `a` before `b` in `sort`: by the column (missing values last either way, numbers
  /// numerically, texts with digits in numeric order), ties in file order.
  static func ordering(_ entries: [ResultsEntry], _ sort: ResultsSort) -> (Int, Int) -> Bool {
    { a, b in
      let (x, y) = (entries[a], entries[b])
      guard let column = sort.column else { return x.position < y.position }
      if column.isNumeric {
        switch (x.number(column), y.number(column)) {
        case (let p?, let q?) where p != q: return sort.descending ? p > q : p < q
        case (nil, _?): return false
        case (_?, nil): return true
        default: return x.position < y.position
        }
      }
      let (p, q) = (x.text(column), y.text(column))
      if p == q { return x.position < y.position }
      if (p == "—") != (q == "—") { return q == "—" }
      return sort.descending ? naturalLess(q, p) : naturalLess(p, q)
    }
  }

  /// Text order with runs of digits compared as numbers (`digits:2` before `digits:10`).
  static func naturalLess(_ a: String, _ b: String) -> Bool {
    var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
    var x = i.next(), y = j.next()
    while let p = x, let q = y {
      if p.properties.numericType == .decimal, q.properties.numericType == .decimal {
        var m = "", n = ""
        while let d = x, d.properties.numericType == .decimal { m.unicodeScalars.append(d); x = i.next() }
        while let d = y, d.properties.numericType == .decimal { n.unicodeScalars.append(d); y = j.next() }
        let (mm, nn) = (m.drop { $0 == "0" }, n.drop { $0 == "0" })
        if mm.count != nn.count { return mm.count < nn.count }
        if mm != nn { return mm < nn }
        continue
      }
      if p != q { return p.value < q.value }
      x = i.next()
      y = j.next()
    }
    return x == nil && y != nil
  }
}

// MARK: - Columns

extension ResultsList {
  /// Columns left between two others.
  static let gap = 2
  /// The margin before the first column (the opened run's mark).
  static let margin = 2
  /// Narrowest status column.
  static let minimumStatusWidth = 8

  /// The text columns whose value is the same in every run (with that value), when there are
  /// two runs or more: the list leaves them out and names them once.
  public var constants: [(column: ResultsColumn, text: String)] {
    guard entries.count > 1 else { return [] }
    return [ResultsColumn.sample, .label, .model, .initialization, .noise, .attack].compactMap { column in
      let first = entries[0].text(column)
      return entries.allSatisfy { $0.text(column) == first } ? (column, first) : nil
    }
  }

  /// The columns shown in a table `width` cells wide, with their widths, left to right: those
  /// equal in every run and RMSE columns no run has are left out, then the least useful ones
  /// (``ResultsColumn/dropOrder``) until the rest fit; the status column takes what is left.
  public func columns(width: Int) -> [(column: ResultsColumn, width: Int)] {
    let constant = Set(constants.map(\.column))
    var shown = ResultsColumn.allCases.filter { column in
      guard !constant.contains(column) else { return false }
      return !column.isNumeric || entries.contains { $0.number(column) != nil }
    }
    let widths = ResultsColumn.allCases.map { column in
      Swift.min(column.maximumWidth, entries.reduce(column.title.terminalWidth + 1) { Swift.max($0, $1.text(column).terminalWidth) })
    }
    func used(_ columns: [ResultsColumn]) -> Int {
      columns.filter { $0 != .status }.reduce(Self.margin) { $0 + widths[$1.rawValue] + Self.gap } + Self.minimumStatusWidth
    }
    while used(shown) > width, let drop = ResultsColumn.dropOrder.first(where: shown.contains) { shown.removeAll { $0 == drop } }
    let rest = width - used(shown) + Self.minimumStatusWidth
    return shown.map { ($0, $0 == .status ? Swift.max(0, rest) : widths[$0.rawValue]) }
  }
}
