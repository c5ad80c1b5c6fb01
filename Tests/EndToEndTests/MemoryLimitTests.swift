import Foundation
import Testing

/// `--max-memory`: a request that does not fit is refused before it is made, with one line naming
/// its size, the limit and the flag that avoids it.
@Suite("Memory limit")
struct MemoryLimitTests {
  /// The one line a refused command prints; checks it is the only output and no crash.
  static func refusal(_ arguments: [String]) throws -> String {
    let r = try Command.run(arguments)
    #expect(r.status != 0)
    #expect(r.stdout.isEmpty)
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
    let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("  [") }
    #expect(lines.count == 1, "stderr: \(r.stderr)")
    return String(lines.first ?? "")
  }

  @Test func aTooLargeDenseRequestIsRefusedWithTheFlagThatAvoidsIt() throws {
    let line = try Self.refusal(["bound", "--sample", "digits:0", "--method", "dense", "--max-memory", "1M"])
    #expect(line.contains("the dense path (J 64×"), "\(line)")
    #expect(line.contains("but the memory limit is 1.00 MiB (--max-memory 1M)"), "\(line)")
    #expect(line.contains("use --method matrix-free, or raise --max-memory"), "\(line)")
  }

  @Test func aTooLargeLanczosBasisIsRefusedWithTheFlagThatAvoidsIt() throws {
    let line = try Self.refusal(["bound", "--sample", "digits:0", "--method", "matrix-free", "--max-memory", "200K"])
    #expect(line.contains("the matrix-free path (a Lanczos basis of"), "\(line)")
    #expect(line.contains("(--max-memory 200K)") && line.contains("use a smaller batch, or raise --max-memory"), "\(line)")
  }

  @Test func autoPicksTheMatrixFreePathWhenDenseDoesNotFit() throws {
    let r = try Command.run(["bound", "--sample", "digits:0", "--max-memory", "1M", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(try Command.json(r)["method"] as? String == "matrix-free")
  }

  @Test func aMalformedSizeIsAUsageError() throws {
    let r = try Command.run(["bound", "--max-memory", "lots"])
    #expect(r.status != 0 && r.stderr.contains("lots") && r.stderr.contains("e.g. 8G, 512M"), "stderr: \(r.stderr)")
  }
}
