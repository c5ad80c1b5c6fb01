import Foundation

/// Runs the built `i2f` (next to the test bundle) and collects its output.
struct Command {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `i2f` executable built beside this test bundle.
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

  /// Runs `i2f arguments…` in the repository root with stdin from /dev/null.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = repository
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  /// The JSON object printed on stdout.
  static func json(_ result: Result) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    guard let dict = object as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
    return dict
  }
}
