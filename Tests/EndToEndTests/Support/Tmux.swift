import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A private tmux server with one window, driven like a person at a terminal: send keys, read the
/// screen text, wait for something to appear.
///
/// tmux daemonises its server, which inherits the caller's descriptors; Foundation's `Process`
/// then never sees the client exit. So commands go through `system`/`popen`, which wait only for
/// the shell.
final class Tmux {
  let socket = "i2f-e2e-\(UUID().uuidString.prefix(8))"
  let session = "e2e"

  static var isAvailable: Bool {
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
  }

  init(width: Int, height: Int, command: String) throws {
    try run("-f /dev/null new-session -d -s \(session) -x \(width) -y \(height) \(Self.quote(command))")
  }

  deinit { try? run("kill-server") }

  /// Sends tmux key names (`Enter`, `Escape`, `Right`, `C-c`) or, with `literal`, text.
  func send(_ keys: String..., literal: Bool = false) throws {
    try run("send-keys -t \(session) \(literal ? "-l " : "")" + keys.map(Self.quote).joined(separator: " "))
  }

  /// The visible screen as text; with `escapes`, with the escape sequences of its colours and
  /// attributes.
  func screen(escapes: Bool = false) throws -> String {
    guard let pipe = popen("tmux -L \(socket) capture-pane -p \(escapes ? "-e " : "")-t \(session) 2>/dev/null", "r") else {
      throw Failure(message: "popen failed")
    }
    defer { pclose(pipe) }
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = fread(&buffer, 1, buffer.count, pipe)
      if n <= 0 { break }
      output += buffer[0..<n]
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// A tmux format evaluated for the pane, e.g. `#{alternate_on}`.
  func display(_ format: String) throws -> String {
    guard let pipe = popen("tmux -L \(socket) display -p -t \(session) \(Self.quote(format)) 2>/dev/null", "r") else {
      throw Failure(message: "popen failed")
    }
    defer { pclose(pipe) }
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 256)
    while true {
      let n = fread(&buffer, 1, buffer.count, pipe)
      if n <= 0 { break }
      output += buffer[0..<n]
    }
    return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Waits until the screen contains `text`; returns the screen (or throws with the last screen).
  @discardableResult
  func waitFor(_ text: String, timeout: TimeInterval = 30) throws -> String {
    try waitUntil("\"\(text)\"", timeout: timeout) { $0.contains(text) }
  }

  /// Waits until `condition` holds for the screen; returns the screen (or throws with the last
  /// screen, naming `what` was awaited).
  @discardableResult
  func waitUntil(_ what: String, timeout: TimeInterval = 30, _ condition: (String) -> Bool) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if condition(last) { return last }
      Thread.sleep(forTimeInterval: 0.02)
    }
    throw Failure(message: "timed out waiting for \(what); screen:\n\(last)")
  }

  struct Failure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  private func run(_ arguments: String) throws {
    let status = system("tmux -L \(socket) \(arguments) </dev/null >/dev/null 2>&1")
    guard status == 0 else { throw Failure(message: "tmux \(arguments) failed (\(status))") }
  }

  private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
