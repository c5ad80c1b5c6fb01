import Foundation
import Leakage

/// A JSONL result file as read: every complete row in file order, with a torn last line (bytes
/// after the last newline, left by a crash or a full disk mid-write) set aside rather than parsed.
public struct ResultFile: Sendable {
  /// The file as the caller named it.
  public let path: String
  /// Every complete row, in file order (superseded rows included).
  public let rows: [ResultRow]
  /// Length of the complete lines (up to and including the last newline).
  public let completeLength: Int
  /// Bytes after the last newline: a row cut off mid-write, never counted.
  public let tornBytes: Int

  /// The largest result file read (a million rows of ~1 KB each; also bounded by the memory budget).
  public static let maxBytes = 4 << 30

  /// Reads and parses `path`.
  public init(path: String) throws {
    try self.init(path: path, bytes: try FileIO.readAll(URL(fileURLWithPath: path), maxBytes: Self.maxBytes, kind: "a result file"))
  }

  /// Parses the contents of a result file; a line that is not a row is an error naming its number.
  public init(path: String, bytes: [UInt8]) throws(ResultFileError) {
    self.path = path
    let end = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
    completeLength = end
    tornBytes = bytes.count - end
    var rows: [ResultRow] = []
    var start = 0, number = 0
    while start < end {
      let stop = bytes[start..<end].firstIndex(of: UInt8(ascii: "\n")) ?? end
      number += 1
      let line = bytes[start..<stop]
      start = stop + 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      guard let text = String(validating: line, as: UTF8.self) else {
        throw .malformedLine(file: path, line: number, problem: "not UTF-8 text")
      }
      let value: JSONValue
      do { value = try JSONValue.parse(text, fileName: path) } catch {
        throw .malformedLine(file: path, line: number, problem: "not JSON (\(error))")
      }
      guard let row = ResultRow(value) else {
        throw .malformedLine(file: path, line: number, problem: "not a result row (a JSON object with a string \"id\")")
      }
      rows.append(row)
    }
    self.rows = rows
  }

  /// The last row of each id, in the order ids first appear: what every reader of results uses.
  public var latest: [ResultRow] { Self.latest(rows) }

  /// The last row of each id in `rows`, in the order ids first appear.
  public static func latest(_ rows: [ResultRow]) -> [ResultRow] {
    var position: [String: Int] = [:]
    var out: [ResultRow] = []
    for row in rows {
      if let p = position[row.id] {
        out[p] = row
      } else {
        position[row.id] = out.count
        out.append(row)
      }
    }
    return out
  }
}

/// Why a result file cannot be used; every case names the file.
public enum ResultFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A complete line that is not a result row (edited by hand, or another program wrote it).
  case malformedLine(file: String, line: Int, problem: String)
  /// Another sweep holds the file's lock.
  case locked(file: String)
  /// The system refused an operation (open, write, sync, truncate).
  case system(file: String, operation: String, reason: String)

  public var description: String {
    switch self {
    case .malformedLine(let file, let line, let problem): "\(file):\(line): \(problem); fix or delete that line"
    case .locked(let file): "\(file): another sweep is writing this file (it is locked); use a different --out"
    case .system(let file, let operation, let reason): "\(file): cannot \(operation): \(reason)"
    }
  }
}
