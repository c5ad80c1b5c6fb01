/// Draws a ``ListPicker``: one row per matching item (title left, detail right, the selection
/// highlighted), a scroll bar when the list is longer than the space, and a bottom line with the
/// filter (`/ mnist 3▏`, or the hint `/ filter`) and the position (`3/120`).
public struct ListPickerView: Widget, Hashable, Sendable {
  public var picker: ListPicker
  /// Shows `1`…`9` before the visible rows for quick selection.
  public var showsQuickKeys: Bool

  public init(picker: ListPicker, showsQuickKeys: Bool = true) {
    self.picker = picker
    self.showsQuickKeys = showsQuickKeys
  }

  /// Rows available for items when drawn in `rect`: pass this to ``ListPicker/handle(_:pageSize:)``.
  public static func listRows(in rect: Rect) -> Int { rect.height >= 3 ? rect.height - 1 : rect.height }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let theme = context.theme
    let glyphs = context.glyphs
    let rows = Self.listRows(in: rect)
    let list = rect.top(rows)
    let count = picker.matches.count
    let offset = picker.visibleOffset(rows: rows)
    let needsScrollBar = count > rows && list.width >= 4
    let body = needsScrollBar ? list.droppingRight(1) : list

    if count == 0 {
      canvas.draw(
        picker.items.isEmpty ? "nothing to choose from" : "no matches", in: body, alignment: .center,
        style: theme.secondary)
    }
    for r in 0..<Swift.min(rows, count - offset) {
      let index = picker.matches[offset + r]
      let item = picker.items[index]
      let line = body.row(r)
      let selected = index == picker.selection
      var x = line.x
      if showsQuickKeys && !picker.isFiltering {
        let quick = r < 9 ? "\(r + 1) " : "  "
        x = canvas.draw(quick, at: Point(x: x, y: line.y), style: theme.secondary, clip: line)
      }
      let disabled = item.disabledReason != nil
      let detail = item.disabledReason ?? item.detail
      let detailWidth = detail.isEmpty ? 0 : Swift.min(detail.terminalWidth, Swift.max(0, (line.maxX - x) / 2))
      if detailWidth > 0 {
        canvas.draw(
          detail, in: line.right(detailWidth), alignment: .trailing,
          style: disabled ? theme.disabled : theme.secondary, ellipsis: glyphs.ellipsis)
      }
      let titleRect = Rect(x: x, y: line.y, width: line.maxX - x - (detailWidth > 0 ? detailWidth + 2 : 0), height: 1)
      canvas.draw(item.title, in: titleRect, style: disabled ? theme.disabled : theme.text, ellipsis: glyphs.ellipsis)
      if selected {
        canvas.restyle(line) { style in
          style.attributes.formUnion(theme.selection.attributes)
          if theme.selection.background != .default { style.background = theme.selection.background }
          if theme.selection.foreground != .default { style.foreground = theme.selection.foreground }
        }
      }
    }
    if needsScrollBar {
      ScrollBar(total: count, visible: rows, offset: offset).render(in: list.right(1), on: &canvas, context: context)
    }
    guard rect.height >= 3 else { return }
    let footer = rect.row(rect.height - 1)
    let position = picker.selectedPosition.map { "\($0 + 1)/\(count)" } ?? "0/\(count)"
    canvas.draw(position, in: footer, alignment: .trailing, style: theme.secondary)
    let filterRect = footer.droppingRight(position.terminalWidth + 1)
    if picker.isFiltering {
      let cursor = glyphs.isUnicode ? "▏" : "_"
      canvas.draw(
        [
          TextSpan("/ ", style: theme.key), TextSpan(picker.filter, style: theme.text),
          TextSpan(cursor, style: theme.accent),
        ],
        at: filterRect.origin, clip: filterRect)
    } else if !picker.filter.isEmpty {
      canvas.draw(
        [TextSpan("/ ", style: theme.key), TextSpan(picker.filter, style: theme.text)], at: filterRect.origin,
        clip: filterRect)
    } else {
      canvas.draw(
        [TextSpan("/", style: theme.key), TextSpan(" filter", style: theme.secondary)], at: filterRect.origin,
        clip: filterRect)
    }
  }
}
