import Foundation
import Leakage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a sweep on stderr: on a terminal one line redrawn in place (bar, done/total, rows
/// per minute, ETA, failures and the last error); otherwise a plain line every `interval` seconds
/// and at every tenth of the way, so logs of cluster jobs stay readable.
public final class SweepProgress {
  /// How progress is shown.
  public enum Style: Sendable, Equatable {
    /// One line redrawn in place, cut to `width` columns.
    case terminal(width: Int)
    /// Plain lines, at most every `interval` seconds (and at each tenth).
    case lines(interval: Double)
  }

  public let style: Style
  private let write: (String) -> Void
  private let now: () -> Double
  private var total = 0
  private var done = 0
  private var failed = 0
  private var lastError: String?
  private var start = 0.0
  private var lastDraw = -Double.infinity
  private var lastTenth = 0

  /// Progress written through `write`, timed by `now` (seconds; injectable for tests).
  public init(style: Style, write: @escaping (String) -> Void, now: @escaping () -> Double = SweepProgress.monotonicSeconds) {
    self.style = style
    self.write = write
    self.now = now
  }

  /// Progress on standard error: redrawn on a terminal, lines every 10 s otherwise.
  public static func standardError() -> SweepProgress {
    let style: Style = isatty(2) == 1 ? .terminal(width: terminalWidth()) : .lines(interval: 10)
    return SweepProgress(style: style) { FileHandle.standardError.write(Data($0.utf8)) }
  }

  /// Starts counting `total` runs.
  public func begin(total: Int) {
    self.total = total
    start = now()
    lastDraw = start
    if total > 0 { draw(force: true) }
  }

  /// Counts one written row.
  public func record(_ row: ResultRow) {
    done += 1
    if let e = row.error {
      failed += 1
      lastError = "\(row.id): \(e.count > 120 ? String(e.prefix(119)) + "…" : e)"
    }
    draw(force: false)
  }

  /// Redraws if it is time (called periodically, so the ETA moves while runs are long).
  public func tick() { draw(force: false) }

  /// Ends the redrawn line (the caller prints the summary after it).
  public func end() {
    if case .terminal = style, total > 0 {
      draw(force: true)
      write("\n")
    }
  }

  /// The current status text: `37/120 · 41.2 rows/min · ETA 2m01s · 1 failed (last: …)`.
  public func status() -> String {
    let elapsed = max(now() - start, 1e-9)
    let rate = Double(done) / elapsed * 60
    var parts = ["\(done)/\(total)"]
    if done > 0 {
      parts.append("\(Self.formatRate(rate)) rows/min")
      if done < total { parts.append("ETA \(Self.formatDuration(Double(total - done) / rate * 60))") }
    }
    if failed > 0 { parts.append("\(failed) failed (last: \(lastError ?? ""))") }
    return parts.joined(separator: " · ")
  }

  private func draw(force: Bool) {
    let t = now()
    switch style {
    case .terminal(let width):
      guard force || t - lastDraw >= 0.1 else { return }
      lastDraw = t
      let barWidth = 20
      let filled = total > 0 ? barWidth * done / total : barWidth
      let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
      let line = "\(bar) \(status())"
      write("\r\u{1B}[2K" + String(line.prefix(max(width - 1, 20))))
    case .lines(let interval):
      let tenth = total > 0 ? 10 * done / total : 10
      guard done > 0, tenth > lastTenth || t - lastDraw >= interval else { return }
      lastTenth = tenth
      lastDraw = t
      write("sweep: \(status())\n")
    }
  }

  /// Seconds on a monotonic clock.
  public static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
  }

  /// Rows per minute with three significant digits.
  public static func formatRate(_ x: Double) -> String {
    x >= 100 ? String(Int(x.rounded())) : String(format: x >= 10 ? "%.1f" : "%.2f", x)
  }

  /// `45s`, `2m05s`, `3h12m`.
  public static func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
  }

  static func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
    return Int(size.ws_col)
  }
}
