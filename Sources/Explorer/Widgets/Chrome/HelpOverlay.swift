/// The `?` overlay, generated from the keymap so it can never disagree with dispatch: one section
/// per scope, keys in an aligned column, one-line descriptions, disabled actions dimmed with their
/// reason. Scrolls when taller than the screen; the caller owns the scroll offset and clamps it
/// with ``maxScroll(in:)``.
public struct HelpOverlay<Action: Hashable & Sendable>: Widget {
  public var keymap: Keymap<Action>
  /// Sections in this order; scopes with no bindings are skipped.
  public var scopes: [KeyScope]
  public var scroll: Int
  public var title: String

  public init(keymap: Keymap<Action>, scopes: [KeyScope], scroll: Int = 0, title: String = "Keys") {
    self.keymap = keymap
    self.scopes = scopes
    self.scroll = scroll
    self.title = title
  }

  /// One line of the overlay's content.
  enum Line {
    case heading(String)
    case binding(keys: String, description: String, disabledReason: String?)
    case blank
  }

  func lines(glyphs: GlyphSet) -> [Line] {
    var out: [Line] = []
    for (i, section) in keymap.sections(scopes: scopes).enumerated() {
      if i > 0 { out.append(.blank) }
      out.append(.heading(section.scope.name))
      for b in section.bindings {
        out.append(
          .binding(keys: b.keysLabel(glyphs: glyphs), description: b.description, disabledReason: b.disabledReason))
      }
    }
    return out
  }

  private func keyColumnWidth(_ lines: [Line]) -> Int {
    lines.reduce(0) { w, line in
      if case .binding(let keys, _, _) = line { return Swift.max(w, keys.terminalWidth) }
      return w
    }
  }

  private func modal(lines: [Line], glyphs: GlyphSet, scrollable: Bool) -> ModalOverlay {
    let keyWidth = keyColumnWidth(lines)
    let width = lines.reduce(0) { w, line in
      switch line {
      case .heading(let h): return Swift.max(w, h.terminalWidth)
      case .binding(_, let d, let reason):
        return Swift.max(w, 2 + keyWidth + 2 + d.terminalWidth + (reason.map { 3 + $0.terminalWidth } ?? 0))
      case .blank: return w
      }
    }
    let footer = scrollable ? "\(glyphs.arrowUp)\(glyphs.arrowDown) scroll\(glyphs.separator)Esc close" : "Esc close"
    return ModalOverlay(title: title, footer: footer, contentSize: Size(width: width, height: lines.count))
  }

  /// The largest useful scroll offset on `screen`.
  public func maxScroll(in screen: Rect, glyphs: GlyphSet = .unicode) -> Int {
    let lines = self.lines(glyphs: glyphs)
    let rows = modal(lines: lines, glyphs: glyphs, scrollable: false).contentRect(in: screen).height
    return Swift.max(0, lines.count - rows)
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    let glyphs = context.glyphs
    let theme = context.theme
    let lines = self.lines(glyphs: glyphs)
    let rows = modal(lines: lines, glyphs: glyphs, scrollable: false).contentRect(in: rect).height
    let overlay = modal(lines: lines, glyphs: glyphs, scrollable: lines.count > rows)
    overlay.render(in: rect, on: &canvas, context: context)
    let content = overlay.contentRect(in: rect)
    guard !content.isEmpty else { return }
    let keyWidth = keyColumnWidth(lines)
    let offset = Swift.min(Swift.max(0, scroll), Swift.max(0, lines.count - content.height))
    for (r, line) in lines.dropFirst(offset).prefix(content.height).enumerated() {
      let row = content.row(r)
      switch line {
      case .heading(let h):
        canvas.draw(h, in: row, style: theme.heading, ellipsis: glyphs.ellipsis)
      case .binding(let keys, let description, let reason):
        let keyRect = Rect(x: row.x + 2, y: row.y, width: Swift.min(keyWidth, Swift.max(0, row.width - 2)), height: 1)
        canvas.draw(keys, in: keyRect, style: reason == nil ? theme.key : theme.disabled, ellipsis: glyphs.ellipsis)
        let rest = row.droppingLeft(2 + keyWidth + 2)
        var spans = [TextSpan(description, style: reason == nil ? theme.keyDescription : theme.disabled)]
        if let reason { spans.append(TextSpan(" (\(reason))", style: theme.disabled)) }
        canvas.drawTruncated(spans, at: rest.origin, width: rest.width, clip: rest, ellipsis: glyphs.ellipsis)
      case .blank:
        break
      }
    }
    if lines.count > content.height {
      // In the padding column between the text and the frame.
      let bar = Rect(x: content.maxX, y: content.y, width: 1, height: content.height)
      ScrollBar(total: lines.count, visible: content.height, offset: offset).render(
        in: bar, on: &canvas, context: context)
    }
  }
}
