/// Labels with right-aligned values in columns, for the live numbers:
/// ```
/// ‖J·δ‖       3.21e-02
/// λmax        1.20e+03
/// condition   4.1e+07
/// ```
/// Value columns are sized to their widest entry; when space is short, value columns after the
/// first are dropped from the right until the keys keep at least ``minimumKeyWidth`` columns, then
/// keys are cut — numbers are never cut.
public struct KeyValueTable: Widget, Hashable, Sendable {
  public enum Row: Hashable, Sendable {
    /// A label and one string per value column; `style` overrides the theme's value style.
    case pair(key: String, values: [String], style: CellStyle?)
    /// A section heading.
    case heading(String)
    /// A horizontal rule.
    case separator
    case blank

    /// A label with a single value.
    public static func pair(_ key: String, _ value: String, style: CellStyle? = nil) -> Row {
      .pair(key: key, values: [value], style: style)
    }
  }

  public var rows: [Row]
  /// Optional headings over the value columns (e.g. `predicted`, `achieved`).
  public var columnHeadings: [String]
  /// Spaces between the key column and each value column.
  public var gap: Int
  /// Columns kept for keys (or their full width, if less) before value columns are dropped.
  public var minimumKeyWidth = 6

  public init(rows: [Row], columnHeadings: [String] = [], gap: Int = 2) {
    self.rows = rows
    self.columnHeadings = columnHeadings
    self.gap = Swift.max(1, gap)
  }

  /// The columns the table needs to show everything.
  public var preferredSize: Size {
    let (keyWidth, valueWidths) = naturalWidths()
    let width = keyWidth + valueWidths.reduce(0) { $0 + $1 + gap }
    return Size(width: width, height: rows.count + (columnHeadings.isEmpty ? 0 : 1))
  }

  private func naturalWidths() -> (key: Int, values: [Int]) {
    var keyWidth = 0
    var valueWidths = columnHeadings.map(\.terminalWidth)
    for row in rows {
      guard case .pair(let key, let values, _) = row else { continue }
      keyWidth = Swift.max(keyWidth, key.terminalWidth)
      for (i, v) in values.enumerated() {
        if i >= valueWidths.count { valueWidths.append(0) }
        valueWidths[i] = Swift.max(valueWidths[i], v.terminalWidth)
      }
    }
    return (keyWidth, valueWidths)
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let theme = context.theme
    var (keyWidth, valueWidths) = naturalWidths()
    // Drop value columns until the keys keep a readable width.
    let keyFloor = Swift.max(1, Swift.min(keyWidth, minimumKeyWidth))
    while valueWidths.count > 1, keyFloor + valueWidths.reduce(0, { $0 + $1 + gap }) > rect.width {
      valueWidths.removeLast()
    }
    // The first value column goes only when not even a one-column key fits beside it.
    while !valueWidths.isEmpty, 1 + valueWidths.reduce(0, { $0 + $1 + gap }) > rect.width { valueWidths.removeLast() }
    keyWidth = Swift.min(keyWidth, rect.width - valueWidths.reduce(0) { $0 + $1 + gap })
    var columnX: [Int] = []
    var x = rect.x + keyWidth
    for w in valueWidths {
      x += gap
      columnX.append(x)
      x += w
    }
    var y = rect.y
    if !columnHeadings.isEmpty {
      for (i, heading) in columnHeadings.prefix(valueWidths.count).enumerated() {
        let cell = Rect(x: columnX[i], y: y, width: valueWidths[i], height: 1)
        canvas.draw(heading, in: cell, alignment: .trailing, style: theme.secondary)
      }
      y += 1
    }
    for row in rows {
      guard y < rect.maxY else { break }
      let line = Rect(x: rect.x, y: y, width: rect.width, height: 1)
      switch row {
      case .pair(let key, let values, let style):
        canvas.draw(
          key, in: Rect(x: rect.x, y: y, width: keyWidth, height: 1), style: theme.label,
          ellipsis: context.glyphs.ellipsis)
        for (i, value) in values.prefix(valueWidths.count).enumerated() {
          let cell = Rect(x: columnX[i], y: y, width: valueWidths[i], height: 1)
          canvas.draw(value, in: cell, alignment: .trailing, style: style ?? theme.value)
        }
      case .heading(let text):
        canvas.draw(text, in: line, style: theme.heading, ellipsis: context.glyphs.ellipsis)
      case .separator:
        let width = Swift.min(rect.width, preferredSize.width)
        for i in 0..<width {
          canvas.put(context.glyphs.box.horizontal, at: Point(x: rect.x + i, y: y), style: theme.frame, clip: rect)
        }
      case .blank:
        break
      }
      y += 1
    }
  }
}
