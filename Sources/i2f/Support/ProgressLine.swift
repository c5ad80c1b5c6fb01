import Foundation

/// Progress of a long command on stderr: a redrawn bar on a terminal, a plain line every tenth
/// otherwise (so logs stay readable and stdout stays clean for --json).
struct ProgressLine {
  let total: Int
  let isTerminal = isatty(2) == 1
  private var lastShown = -1
  private var lastDraw = Date.distantPast

  init(total: Int) { self.total = max(total, 1) }

  /// Shows `done` of `total` with a short status text.
  mutating func update(_ done: Int, _ status: String) {
    if isTerminal {
      guard done == total || Date().timeIntervalSince(lastDraw) > 0.05 else { return }
      lastDraw = Date()
      let width = 30, filled = width * done / total
      let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      Self.write("\r\u{1B}[2K\(bar) \(done)/\(total)  \(status)")
    } else {
      let tenth = 10 * done / total
      guard tenth > lastShown else { return }
      lastShown = tenth
      Self.write("\(done)/\(total)  \(status)\n")
    }
  }

  /// Ends the bar's line.
  func finish() { if isTerminal { Self.write("\n") } }

  private static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
