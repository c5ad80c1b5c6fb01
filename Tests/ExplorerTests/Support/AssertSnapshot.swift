import Foundation
import Testing

@testable import Explorer

/// Compares `canvas.snapshot()` with the golden file `Snapshots/<name>.txt` next to the calling test
/// file (swift-argument-parser's `assertSnapshot` pattern). A missing file, or `RECORD_SNAPSHOTS=1`
/// in the environment, writes the file and fails with "recorded", so a new baseline is never
/// accepted silently; review it with `git diff` and run again.
func assertSnapshot(
  _ canvas: Canvas, named name: String, filePath: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation
) {
  let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
  let file = directory.appendingPathComponent(name + ".txt")
  let actual = canvas.snapshot()
  let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false
  let expected = try? String(contentsOf: file, encoding: .utf8)

  if record || expected == nil {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try actual.write(to: file, atomically: true, encoding: .utf8)
      Issue.record(
        "recorded snapshot \(name).txt (\(record ? "RECORD_SNAPSHOTS set" : "no baseline")); check it and run again",
        sourceLocation: sourceLocation)
    } catch {
      Issue.record("could not record snapshot \(file.path): \(error)", sourceLocation: sourceLocation)
    }
    return
  }
  guard let expected, expected != actual else { return }
  Issue.record(
    "snapshot \(name).txt differs:\n\(lineDiff(expected: expected, actual: actual))\n(RECORD_SNAPSHOTS=1 rewrites it)",
    sourceLocation: sourceLocation)
}

/// The differing lines, numbered, as `-expected` / `+actual` pairs (at most 12).
private func lineDiff(expected: String, actual: String) -> String {
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  var out: [String] = []
  for i in 0..<max(e.count, a.count) {
    let le = i < e.count ? String(e[i]) : "<none>"
    let la = i < a.count ? String(a[i]) : "<none>"
    if le != la {
      out.append(String(format: "%4d -%@", i + 1, le))
      out.append(String(format: "%4d +%@", i + 1, la))
    }
    if out.count >= 24 {
      out.append("…")
      break
    }
  }
  return out.joined(separator: "\n")
}

/// A canvas of `width×height` with `widget` rendered into all of it.
func rendered(_ widget: some Widget, width: Int, height: Int, context: RenderContext = .standard) -> Canvas {
  var canvas = Canvas(size: Size(width: width, height: height))
  canvas.render(widget, in: canvas.bounds, context: context)
  return canvas
}

/// Contexts the widgets are checked in: the common case and the most degraded one.
let colorUnicode = RenderContext.standard
let monoASCII = RenderContext.plainASCII
