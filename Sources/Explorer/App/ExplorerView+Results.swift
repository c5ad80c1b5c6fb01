import Foundation
import Leakage
import Studies

/// The results screen: the runs of a sweep result file as a sortable, filterable table, and the
/// selected run's details.
extension ExplorerState {
  func drawResults(_ canvas: inout Canvas, context: RenderContext) {
    let layout = ExplorerLayout.results(size: canvas.size)
    let t = context.theme
    guard let list = results else { return }
    canvas.clear(layout.title, style: t.badgeNeutral)
    let errors = list.errorCount
    let facts = "  results \(list.path) · \(list.entries.count) run\(list.entries.count == 1 ? "" : "s")"
      + (errors > 0 ? " · \(errors) error\(errors == 1 ? "" : "s")" : "") + (list.tornBytes > 0 ? " · torn last line skipped" : "")
    let order = Self.fitting(["\(facts) · sorted: \(list.sort.label)", "\(facts) · sorted: \(list.sort.shortLabel)"],
                             width: layout.title.width - 5)
    canvas.draw([TextSpan(" i2f ", style: t.badgeActive), TextSpan(order, style: t.badgeNeutral)], at: layout.title.origin, clip: layout.title)

    let constants = list.constants.map(\.text).joined(separator: " · ")
    let count = list.order.count == list.entries.count ? "\(list.entries.count) runs" : "\(list.order.count) of \(list.entries.count) runs"
    let filter = list.isFiltering ? "/\(list.filter)\(context.glyphs.isUnicode ? "▏" : "_")" : (list.filter.isEmpty ? "" : "filter: \(list.filter)")
    let panel = Panel(title: count, detail: constants.isEmpty ? "" : "all: \(constants)", footer: filter, isFocused: true)
    canvas.render(panel, in: layout.list, context: context)
    drawResultsTable(&canvas, list, in: layout.table, context: context)
    let rows = layout.visibleRows
    if list.order.count > rows {
      canvas.render(ScrollBar(total: list.order.count, visible: rows, offset: list.visibleOffset(rows: rows)),
                    in: Rect(x: layout.table.maxX, y: layout.table.y + 1, width: 1, height: rows), context: context)
    }
    drawRunDetail(&canvas, list.selected, in: layout.detail, context: context)

    let position = list.order.isEmpty ? "no run" : "run \(list.selection + 1)/\(list.order.count)"
    canvas.render(StatusBar(mode: "RESULTS", tone: .paused, summary: position, message: message, hints: keymap.hints(scopes: scopes)),
                  in: layout.status, context: context)
  }

  /// The header (the sorted column marked with its direction) and the visible runs.
  func drawResultsTable(_ canvas: inout Canvas, _ list: ResultsList, in rect: Rect, context: RenderContext) {
    let t = context.theme
    let columns = list.columns(width: rect.width)
    func cells(_ text: (ResultsColumn) -> String, row: Int, style: (ResultsColumn) -> CellStyle) {
      var x = rect.x + ResultsList.margin
      for (column, width) in columns {
        let cell = Rect(x: x, y: rect.y + row, width: width, height: 1)
        canvas.draw(text(column), in: cell, alignment: column.isNumeric ? .trailing : .leading, style: style(column), ellipsis: context.glyphs.ellipsis)
        x += width + ResultsList.gap
      }
    }
    let arrow = list.sort.descending ? context.glyphs.arrowDown : context.glyphs.arrowUp
    cells({ $0 == list.sort.column ? ($0.isNumeric ? "\(arrow)\($0.title)" : "\($0.title)\(arrow)") : $0.title }, row: 0) {
      $0 == list.sort.column ? t.accent : t.heading
    }
    guard !list.order.isEmpty else {
      canvas.draw(list.entries.isEmpty ? "no runs in \(list.path) yet" : "no run matches '\(list.filter)' (Esc in the filter clears it)",
                  in: rect, row: 1, style: t.secondary)
      return
    }
    let rows = Swift.max(1, rect.height - 1)
    let offset = list.visibleOffset(rows: rows)
    for line in 0..<Swift.min(rows, list.order.count - offset) {
      let position = offset + line
      let entry = list.entries[list.order[position]]
      let selected = position == list.selection
      if selected { canvas.clear(rect.row(line + 1), style: t.selection) }
      if entry.row.id == list.opened {
        canvas.draw(context.glyphs.isUnicode ? "▸" : ">", at: Point(x: rect.x, y: rect.y + line + 1), style: selected ? t.selection : t.accent)
      }
      cells({ entry.text($0) }, row: line + 1) { column in
        if selected { return t.selection }
        if column == .status && entry.isError { return t.error }
        return column.isNumeric ? t.value : t.text
      }
    }
  }

  /// Two or three lines about the selected run: its id and model, then its error or its numbers.
  func drawRunDetail(_ canvas: inout Canvas, _ entry: ResultsEntry?, in rect: Rect, context: RenderContext) {
    let t = context.theme
    let panel = Panel(title: entry.map { "Run \($0.row.id)" } ?? "Run", footer: entry == nil ? "" : "Enter opens it")
    canvas.render(panel, in: rect, context: context)
    let inner = panel.contentRect(in: rect)
    guard let entry else { return }
    let row = entry.row
    func some(_ pairs: [(String, String?)]) -> [String] {
      pairs.compactMap { label, value in value.map { label.isEmpty ? $0 : "\(label) \($0)" } }
    }
    let numbers = { (key: String) in row.number(key).map { NumberFormat.scientific($0, significantDigits: 3) } }
    let first = some([
      ("", row["model_summary"]?.stringValue ?? row.text("model")), ("", row["weights"]?.stringValue),
      ("", row["method"]?.stringValue.map { "\($0) path" }), ("ridge", row["ridge"]?.stringValue),
      ("space", row["space"]?.stringValue), ("normalize", row["normalize"]?.stringValue),
      ("", row.number("seconds").map { String(format: "%.2f s", $0) }),
    ])
    canvas.draw(first.joined(separator: " · "), in: inner, row: 0, style: t.secondary, ellipsis: context.glyphs.ellipsis)
    if let error = row.error {
      let lines = Self.wrap("error: \(error)", width: inner.width, lines: inner.height - 1)
      for (i, line) in lines.enumerated() { canvas.draw(line, in: inner, row: i + 1, style: t.error) }
      return
    }
    let second = some([
      ("‖J·δ‖", numbers("jdelta_norm")), ("λmax", numbers("lambda_max")), ("λmin", numbers("lambda_min")),
      ("rank", row["rank"].flatMap { $0 == .null ? nil : $0.rendered() }),
      ("lower bound", numbers("i2f_lb")), ("upper bound", numbers("i2f_ub")),
    ])
    let attack = row["status"] == nil ? [] : some([
      ("attack", row["iterations_done"].map { "it \($0.rendered())/\(row.text("iteration_budget")) \(row.text("status"))" }),
      ("PSNR", row.number("psnr").map { String(format: "%.1f dB", $0) }), ("SSIM", row.number("ssim").map { String(format: "%.3f", $0) }),
      ("labels", row["label_correct"].map { $0 == .bool(true) ? "recovered" : "wrong" }),
    ])
    let rest = Self.wrap(items: second + attack, width: inner.width, lines: inner.height - 1)
    for (i, line) in rest.enumerated() { canvas.draw(line, in: inner, row: i + 1, style: t.text, ellipsis: context.glyphs.ellipsis) }
  }

  /// `items` joined with ` · `, broken between items into at most `lines` lines of `width` cells
  /// (what does not fit goes on the last line, which the drawing cuts).
  static func wrap(items: [String], width: Int, lines: Int) -> [String] {
    guard lines > 0 else { return [] }
    var out: [String] = []
    for item in items {
      if let last = out.last, out.count == lines || (last + " · " + item).terminalWidth <= width {
        out[out.count - 1] = last + " · " + item
      } else {
        out.append(item)
      }
    }
    return out
  }

  /// `text` broken at spaces into at most `lines` lines of `width` cells (the last one cut).
  static func wrap(_ text: String, width: Int, lines: Int) -> [String] {
    guard width > 0, lines > 0 else { return [] }
    var out: [String] = [], line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let candidate = line.isEmpty ? String(word) : "\(line) \(word)"
      if candidate.terminalWidth <= width || line.isEmpty {
        line = candidate
      } else {
        out.append(line)
        line = String(word)
      }
    }
    if !line.isEmpty { out.append(line) }
    guard out.count > lines else { return out }
    return Array(out.prefix(lines - 1)) + [out[(lines - 1)...].joined(separator: " ")]
  }
}
