import Foundation
import Leakage

/// The result file the explorer last opened with `--results`, which `R` reopens in a later session:
/// one line in `$XDG_STATE_HOME/i2f/last-results` (else `~/.local/state/i2f/last-results`).
public struct RecentResultFile: Sendable {
  /// The file holding the path.
  public let file: URL

  public init(file: URL) { self.file = file }

  /// The one in the user's state directory.
  public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> RecentResultFile {
    let base: URL
    if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
      base = URL(fileURLWithPath: xdg)
    } else {
      base = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".local/state")
    }
    return RecentResultFile(file: base.appendingPathComponent("i2f/last-results"))
  }

  /// The file remembered, if it still exists.
  public var path: String? {
    guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
    let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return !path.isEmpty && FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// Remembers `path` (absolute, so it is found from any directory); a failure only loses the memory.
  public func remember(_ path: String) {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? FileIO.writeAtomically(Array((absolute + "\n").utf8), to: file)
  }
}
