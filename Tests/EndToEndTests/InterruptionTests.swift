import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The headless commands stopped from outside: by SIGINT, SIGTERM or SIGHUP (a clean exit with
/// 128 + the signal, temporary files removed) and by SIGKILL in the middle of writing (the output
/// is the old file or the new one, never a partial file).
@Suite("Interrupted commands", .serialized)
struct InterruptionTests {
  /// A started `i2f` whose output goes to files (no pipe can fill up and stall it).
  final class Running {
    let process = Process()
    let output: URL

    init(_ arguments: [String]) throws {
      output = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-interrupt-\(UUID().uuidString).txt")
      _ = FileManager.default.createFile(atPath: output.path, contents: nil)
      process.executableURL = Command.executable
      process.arguments = arguments
      process.currentDirectoryURL = Command.repository
      var environment = ProcessInfo.processInfo.environment
      environment["SWIFT_BACKTRACE"] = "enable=no"
      process.environment = environment
      let handle = try FileHandle(forWritingTo: output)
      process.standardOutput = handle
      process.standardError = handle
      process.standardInput = FileHandle.nullDevice
      try process.run()
    }

    deinit {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      try? FileManager.default.removeItem(at: output)
    }

    var pid: Int32 { process.processIdentifier }
    var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits for the process to end; its exit status (nil when a signal killed it).
    func wait(timeout: TimeInterval = 60) -> Int32? {
      let deadline = Date().addingTimeInterval(timeout)
      while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
      if process.isRunning { kill(pid, SIGKILL) }
      process.waitUntilExit()
      return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// Whether the main thread blocks SIGINT, SIGTERM and SIGHUP: the command has installed its
    /// signal handling (`SigBlk` in /proc/PID/status).
    var handlesSignals: Bool {
      guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
            let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
      return [SIGINT, SIGTERM, SIGHUP].allSatisfy { mask & (1 << UInt64($0 - 1)) != 0 }
    }

    /// Waits until `condition` holds, polling every 0.2 ms; false when the process ended first.
    func waitUntil(timeout: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        if condition() { return true }
        if !process.isRunning { return false }
        usleep(200)
      }
      return false
    }
  }

  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-interrupt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Whether `bytes` are a whole safetensors file: the header parses and the tensors' byte ranges
  /// end exactly at the end of the file.
  static func isCompleteSafeTensors(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 8 else { return false }
    let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    guard length > 0, 8 + length <= bytes.count,
          let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any] else { return false }
    let ends = header.compactMap { ($0.value as? [String: Any])?["data_offsets"] as? [Int] }.map { $0[1] }
    return !ends.isEmpty && 8 + length + (ends.max() ?? 0) == bytes.count
  }

  /// `i2f train` on the 13 photos with a wide MLP: about 32 MB of weights (8M parameters), so
  /// writing the file takes long enough to be caught in the middle.
  static func trainArguments(output: URL) -> [String] {
    ["train", "--model", "mlp", "--width", "2600", "--dataset", "photos", "--epochs", "1", "--output", output.path]
  }

  @Test("SIGKILL or SIGTERM while weights are written leaves the old file or the new one, never a partial one",
        arguments: [SIGKILL, SIGTERM])
  func killedMidWrite(signal: Int32) throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let destination = directory.appendingPathComponent("weights.safetensors")
    // The old file: a small model's weights, complete.
    let first = try Command.run(["train", "--model", "mlp", "--width", "3", "--dataset", "photos", "--epochs", "1", "--output", destination.path])
    #expect(first.status == 0, "\(first.stderr)")
    let old = try [UInt8](Data(contentsOf: destination))
    #expect(Self.isCompleteSafeTensors(old))

    var caughtMidWrite = 0
    for _ in 0..<6 where caughtMidWrite < 2 {
      let run = try Running(Self.trainArguments(output: destination))
      let temporaryFiles = { (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.contains(".i2f-tmp-") } ?? [] }
      let seen = run.waitUntil { !temporaryFiles().isEmpty }
      if seen {
        kill(run.pid, signal)
        caughtMidWrite += 1
      }
      let status = run.wait()
      let now = try [UInt8](Data(contentsOf: destination))
      #expect(now == old || Self.isCompleteSafeTensors(now) && now.count > 30_000_000,
              "a partial file of \(now.count) bytes is in place")
      let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      let strays = names.filter { $0 != "weights.safetensors" }
      if seen && signal == SIGTERM {
        // A caught signal: the temporary file is removed and the exit status says which signal.
        #expect(status == 143, "\(run.text)")
        #expect(run.text.contains("i2f: stopped by SIGTERM"))
        #expect(strays.isEmpty, "left behind: \(strays)")
      } else if seen {
        // SIGKILL cannot be caught: at most the temporary file remains, under the documented name.
        #expect(status == nil)
        #expect(strays.allSatisfy { $0.hasPrefix(".weights.safetensors.i2f-tmp-\(run.pid)-") }, "left behind: \(strays)")
        for stray in strays { try FileManager.default.removeItem(at: directory.appendingPathComponent(stray)) }
      } else {
        #expect(status == 0, "\(run.text)")
        #expect(strays.isEmpty)
      }
    }
    #expect(caughtMidWrite > 0, "never caught i2f writing its weights")
  }

  @Test("SIGINT, SIGTERM and SIGHUP stop a running command with 128 + the signal", arguments: [
    (["attack", "--model", "mlp", "--width", "16", "--sample", "digits:1", "--preset", "l2adam", "--iterations", "10000000"], SIGINT),
    (["bound", "--sample", "photos:0-3", "--method", "matrix-free"], SIGTERM),
    (["train", "--model", "mlp", "--dataset", "digits", "--epochs", "100000", "--output", "/nonexistent/never.safetensors"], SIGHUP),
  ])
  func stoppedBySignal(arguments: [String], signal: Int32) throws {
    let run = try Running(arguments)
    #expect(run.waitUntil { run.handlesSignals }, "\(run.text)")
    Thread.sleep(forTimeInterval: 0.3)
    kill(run.pid, signal)
    let status = run.wait(timeout: 20)
    let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signal] ?? ""
    #expect(status == 128 + signal, "\(arguments[0]): \(run.text)")
    #expect(run.text.hasSuffix("i2f: stopped by \(name)\n"), "\(run.text)")
  }

  @Test("a diverging attack fails with the iteration, its row saying diverged and never NaN")
  func divergingAttack() throws {
    let r = try Command.run(["attack", "--model", "lenet5", "--sample", "digits:3", "--preset", "l2adam",
                             "--lr", "1e30", "--iterations", "200", "--json"])
    #expect(r.status != 0)
    let json = try Command.json(r)
    #expect(json["status"] as? String == "diverged", "\(r.stdout)")
    #expect(json["objective"] is NSNull, "\(r.stdout)")
    #expect(!r.stdout.lowercased().contains("nan"), "\(r.stdout)")
    #expect(r.stderr.split(separator: "\n").last?.contains("the attack diverged at iteration ") == true, "\(r.stderr)")
  }
}
