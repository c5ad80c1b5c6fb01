extension Canvas {
  /// The characters, one line per row, rows separated by newlines (trailing spaces kept, so every
  /// line is exactly `width` columns). What a text capture of the screen looks like.
  public var text: String { textLines.joined(separator: "\n") }

  /// The characters, one string per row.
  public var textLines: [String] {
    (0..<height).map { y in
      var s = String.UnicodeScalarView()
      for x in 0..<width { s.append(cells[y * width + x].scalar) }
      return String(s)
    }
  }

  /// The styles as a second layer: one symbol per cell, `.` for the plain style and a letter (then
  /// digits, punctuation, Greek) for each other style in order of first appearance, with a legend
  /// describing each symbol. Together with ``text`` it pins down everything the backend will draw.
  public var styleLayer: (lines: [String], legend: [(symbol: Character, style: CellStyle)]) {
    var symbols: [CellStyle: Character] = [.plain: "."]
    var legend: [(symbol: Character, style: CellStyle)] = []
    var next = 0
    var lines: [String] = []
    for y in 0..<height {
      var line = ""
      for x in 0..<width {
        let style = cells[y * width + x].style
        if let s = symbols[style] {
          line.append(s)
          continue
        }
        let s: Character = next < Self.styleSymbols.count ? Self.styleSymbols[next] : "?"
        next += 1
        symbols[style] = s
        legend.append((s, style))
        line.append(s)
      }
      lines.append(line)
    }
    return (lines, legend)
  }

  /// Symbols for styles: ASCII letters, digits and punctuation, then narrow Latin, Greek and
  /// Cyrillic letters (about 700 in all; a canvas with more distinct styles reuses `?`).
  private static let styleSymbols: [Character] = {
    var symbols = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-/:;<=>@^_~")
    let ranges: [ClosedRange<UInt32>] = [0xC0...0x24F, 0x391...0x3A9, 0x3B1...0x3C9, 0x410...0x44F]
    for range in ranges {
      for v in range where v != 0xD7 && v != 0xF7 {
        if let s = Unicode.Scalar(v), s.properties.isAlphabetic { symbols.append(Character(s)) }
      }
    }
    return symbols
  }()

  /// A text document for golden-file tests: the size, the characters, the style layer and its legend.
  public func snapshot() -> String {
    let styles = styleLayer
    var out = "size \(size)\n--- text\n"
    out += textLines.map { $0 + "\n" }.joined()
    out += "--- styles\n"
    out += styles.lines.map { $0 + "\n" }.joined()
    out += "--- legend\n"
    for (symbol, style) in styles.legend { out += "\(symbol) \(style)\n" }
    return out
  }
}
