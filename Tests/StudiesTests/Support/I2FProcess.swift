import Foundation

/// The built `i2f` executable, run as a child process.
enum I2FProcess {
  struct Result: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `i2f` built beside this test bundle.
  static let executable: URL = {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = bundle.deletingLastPathComponent()
    while dir.path != "/" {
      let candidate = dir.appendingPathComponent("i2f")
      if FileManager.default.isExecutableFile(atPath: candidate.path), !candidate.hasDirectoryPath { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return bundle.deletingLastPathComponent().appendingPathComponent("i2f")
  }()

  /// The repository root (for Samples/).
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// A configured, not yet started process; output goes to /dev/null unless pipes are attached.
  static func process(_ arguments: [String]) -> Process {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    p.currentDirectoryURL = repository
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    p.environment = env
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    return p
  }

  /// Runs `i2f arguments…` to the end (off the cooperative pool) and collects its output.
  static func run(_ arguments: [String]) async throws -> Result { try await blocking { try runBlocking(arguments) } }

  /// How a child sent a signal mid-sweep ended.
  struct Ending: Sendable {
    /// Whether `path` reached the line count before the signal.
    var reached: Bool
    /// Whether the signal killed it (rather than it exiting).
    var killed: Bool
    var status: Int32
  }

  /// Starts `i2f arguments…`, waits until `path` has `lines` lines, sends `signal`, and waits for the end.
  static func signal(_ signal: Int32, _ arguments: [String], whenLines lines: Int, in path: String) async throws -> Ending {
    try await blocking {
      let child = process(arguments)
      try child.run()
      let reached = waitForLines(path, lines)
      kill(child.processIdentifier, signal)
      child.waitUntilExit()
      return Ending(reached: reached, killed: child.terminationReason == .uncaughtSignal, status: child.terminationStatus)
    }
  }

  private static func runBlocking(_ arguments: [String]) throws -> Result {
    let p = process(arguments)
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  /// Waits until `path` has at least `count` newline-terminated lines (false on timeout).
  static func waitForLines(_ path: String, _ count: Int, timeout: Double = 30) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let data = FileManager.default.contents(atPath: path), data.filter({ $0 == UInt8(ascii: "\n") }).count >= count { return true }
      Thread.sleep(forTimeInterval: 0.01)
    }
    return false
  }
}
