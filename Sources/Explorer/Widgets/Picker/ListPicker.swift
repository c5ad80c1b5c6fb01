/// One entry of a ``ListPicker``.
public struct PickerItem: Hashable, Sendable {
  public var title: String
  /// Right-aligned extra text (`28×28 · label 3`), also searched by the filter.
  public var detail: String
  /// Set when the item cannot be chosen now; shown in place of the detail.
  public var disabledReason: String?

  public init(_ title: String, detail: String = "", disabledReason: String? = nil) {
    self.title = title
    self.detail = detail
    self.disabledReason = disabledReason
  }
}

/// The state of a filterable list picker (model, initialisation, sample, preset…) as a value, with
/// its own key handling: `↑↓`/`jk` move, `PgUp/PgDn`, `Home/End`/`g G`, `Enter` chooses, `1…9` pick
/// a visible row, `/` starts typing a filter (then letters go to the filter, `Bksp` deletes,
/// `Ctrl-u` clears, `Esc` drops the filter), and `Esc`/`q` cancel. Draw it with ``ListPickerView``.
public struct ListPicker: Hashable, Sendable {
  /// What a key did to the picker.
  public enum Outcome: Hashable, Sendable {
    /// The picker changed or consumed the key; redraw.
    case handled
    /// The user chose `items[index]`.
    case chosen(Int)
    /// The user chose a disabled item; tell them why.
    case refused(reason: String)
    /// The user backed out.
    case cancelled
    /// The key means nothing here; let the caller handle it.
    case ignored
  }

  public private(set) var items: [PickerItem]
  public private(set) var filter: String = ""
  /// True while keys are typed into the filter.
  public private(set) var isFiltering = false
  /// Index into `items` of the highlighted item; `nil` when nothing matches.
  public private(set) var selection: Int?
  /// Position (in ``matches``) of the first visible row.
  public private(set) var scrollOffset = 0
  /// Indices into `items` of the items matching the filter, in order.
  public private(set) var matches: [Int]

  public init(items: [PickerItem], selection: Int = 0) {
    self.items = items
    self.matches = Array(items.indices)
    self.selection = items.isEmpty ? nil : Swift.min(Swift.max(0, selection), items.count - 1)
  }

  /// Position of the selection within ``matches``.
  public var selectedPosition: Int? { selection.flatMap { matches.firstIndex(of: $0) } }

  /// True when `item` matches `filter`: every space-separated term appears, case-insensitively,
  /// in its title or detail.
  public static func matches(_ item: PickerItem, filter: String) -> Bool {
    let haystack = (item.title + " " + item.detail).lowercased()
    return filter.lowercased().split(separator: " ").allSatisfy { haystack.contains($0) }
  }

  /// Replaces the items (e.g. after a directory scan), keeping the selection's index if possible.
  public mutating func setItems(_ newItems: [PickerItem]) {
    items = newItems
    refilter()
  }

  /// Sets the filter text directly.
  public mutating func setFilter(_ text: String) {
    filter = text
    refilter()
  }

  /// Highlights `items[index]` (ignored when it does not match the filter).
  public mutating func select(_ index: Int) {
    guard matches.contains(index) else { return }
    selection = index
  }

  private mutating func refilter() {
    matches = items.indices.filter { Self.matches(items[$0], filter: filter) }
    if let s = selection, matches.contains(s) { return }
    selection = matches.first
    scrollOffset = 0
  }

  private mutating func move(to position: Int, pageSize: Int) {
    guard !matches.isEmpty else { return }
    let p = Swift.min(Swift.max(position, 0), matches.count - 1)
    selection = matches[p]
    scrollOffset = Self.offset(keeping: p, current: scrollOffset, rows: pageSize, count: matches.count)
  }

  /// The first visible position that keeps `position` on screen with `rows` rows, changing
  /// `current` as little as possible.
  static func offset(keeping position: Int, current: Int, rows: Int, count: Int) -> Int {
    let rows = Swift.max(1, rows)
    var o = current
    if position < o { o = position }
    if position >= o + rows { o = position - rows + 1 }
    return Swift.max(0, Swift.min(o, count - rows))
  }

  /// The rows to draw in a list `rows` high: the first visible position, clamped so the selection is
  /// visible (the terminal may have shrunk since the last key).
  public func visibleOffset(rows: Int) -> Int {
    Self.offset(keeping: selectedPosition ?? 0, current: scrollOffset, rows: rows, count: matches.count)
  }

  private func choose() -> Outcome {
    guard let s = selection else { return .handled }
    if let reason = items[s].disabledReason { return .refused(reason: reason) }
    return .chosen(s)
  }

  /// Applies `key`; `pageSize` is the number of visible rows (for paging and scrolling).
  public mutating func handle(_ key: Key, pageSize: Int) -> Outcome {
    let position = selectedPosition ?? 0
    let page = Swift.max(1, pageSize)
    switch key {
    case .up:
      move(to: position - 1, pageSize: page)
      return .handled
    case .down:
      move(to: position + 1, pageSize: page)
      return .handled
    case .pageUp:
      move(to: position - page, pageSize: page)
      return .handled
    case .pageDown:
      move(to: position + page, pageSize: page)
      return .handled
    case .home:
      move(to: 0, pageSize: page)
      return .handled
    case .end:
      move(to: matches.count - 1, pageSize: page)
      return .handled
    case .enter: return choose()
    default: break
    }
    if isFiltering {
      switch key {
      case .escape:
        isFiltering = false
        setFilter("")
        return .handled
      case .backspace:
        if filter.isEmpty {
          isFiltering = false
        } else {
          filter.removeLast()
          refilter()
        }
        return .handled
      case .control("u"):
        setFilter("")
        return .handled
      case .character(let c):
        filter.append(c)
        refilter()
        return .handled
      default:
        return .ignored
      }
    }
    switch key {
    case .character("k"):
      move(to: position - 1, pageSize: page)
      return .handled
    case .character("j"):
      move(to: position + 1, pageSize: page)
      return .handled
    case .character("g"):
      move(to: 0, pageSize: page)
      return .handled
    case .character("G"):
      move(to: matches.count - 1, pageSize: page)
      return .handled
    case .character("/"):
      isFiltering = true
      return .handled
    case .escape, .character("q"):
      return .cancelled
    case .character(let c):
      if let digit = c.wholeNumberValue, (1...9).contains(digit) {
        let p = visibleOffset(rows: page) + digit - 1
        guard p < matches.count, p < visibleOffset(rows: page) + page else { return .handled }
        selection = matches[p]
        return choose()
      }
      return .ignored
    default:
      return .ignored
    }
  }
}
