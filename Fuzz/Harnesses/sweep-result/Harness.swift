import FuzzDriver
import Studies

/// Sweep result files (JSON lines, read by `sweep run` to resume, `sweep merge` and `report`):
/// every complete line a row, a torn last line set aside. Rows that parse must write back (their
/// `line`) to a file that parses to the same rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  guard let file = try? ResultFile(path: "results.jsonl", bytes: bytes) else { return 0 }
  fuzzRequire(file.completeLength + file.tornBytes == bytes.count, "complete and torn lengths do not add up")
  let text = file.rows.map { $0.line + "\n" }.joined()
  let again = try? ResultFile(path: "rewritten.jsonl", bytes: Array(text.utf8))
  fuzzRequire(again?.rows == file.rows, "rows written back do not parse to the same rows")
  fuzzRequire(again?.tornBytes == 0, "rows written back end in a torn line")
  _ = file.latest
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
