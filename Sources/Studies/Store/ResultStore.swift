import Foundation
import Leakage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The result file of a running sweep, opened for appending: nothing written to it is ever lost
/// or left half-written.
///
/// - Each row is built whole in memory and written with one `write(2)` on an `O_APPEND`
///   descriptor, then `fsync`ed before the next run's row.
/// - A torn last line (a crash or a full disk mid-write) is cut off when the file is opened, so
///   its run is redone; a short write is cut off at once.
/// - The file is locked (`flock`) while open, so two sweeps cannot write the same file; the lock
///   dies with the process. (On file systems without locks the store works unlocked: give each
///   shard its own file, as `docs/cluster.md` does.)
public final class ResultStore {
  /// The file as the caller named it.
  public let path: String
  /// The last row of each id in the file.
  public private(set) var latest: [String: ResultRow] = [:]
  /// Bytes of a torn last line removed when the file was opened (0 when it was intact).
  public let recoveredTornBytes: Int
  private var descriptor: Int32
  private var size: off_t

  /// Opens (or creates, with its directory) the result file at `path` and recovers a torn tail.
  public init(path: String) throws {
    self.path = path
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    func failure(_ operation: String) -> ResultFileError {
      .system(file: path, operation: operation, reason: String(cString: strerror(errno)))
    }
    let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure("open the file for appending") }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      // Some cluster file systems have no locks (Lustre without -o flock): go on without one.
      let unsupported = [ENOLCK, ENOSYS, EOPNOTSUPP, EINVAL].contains(errno)
      if !unsupported {
        let error = errno == EWOULDBLOCK ? ResultFileError.locked(file: path) : failure("lock the file")
        closeDescriptor(fd)
        throw error
      }
    }
    do {
      let file = try ResultFile(path: path, bytes: try FileIO.readAll(url, maxBytes: ResultFile.maxBytes, kind: "a result file"))
      if file.tornBytes > 0 {
        guard ftruncate(fd, off_t(file.completeLength)) == 0, fsync(fd) == 0 else { throw failure("cut off the torn last line") }
      }
      for row in file.rows { latest[row.id] = row }
      recoveredTornBytes = file.tornBytes
      size = off_t(file.completeLength)
    } catch {
      closeDescriptor(fd)
      throw error
    }
    descriptor = fd
  }

  deinit { close() }

  /// Appends one row (one `write`, then `fsync`). On failure the file is left as it was.
  public func append(_ row: ResultRow) throws(ResultFileError) {
    guard descriptor >= 0 else { throw .system(file: path, operation: "append", reason: "the store is closed") }
    let bytes = Array((row.line + "\n").utf8)
    var written = -1
    repeat {
      written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    } while written < 0 && errno == EINTR
    guard written == bytes.count else {
      let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes written (disk full?)"
      if written > 0 { _ = ftruncate(descriptor, size) }
      throw .system(file: path, operation: "append a row", reason: reason)
    }
    guard fsync(descriptor) == 0 else {
      throw .system(file: path, operation: "sync a row to disk", reason: String(cString: strerror(errno)))
    }
    size += off_t(bytes.count)
    latest[row.id] = row
  }

  /// Releases the file and its lock (also done on deinit).
  public func close() {
    guard descriptor >= 0 else { return }
    closeDescriptor(descriptor)
    descriptor = -1
  }
}

/// The system's `close`, under a name the store's own `close()` does not shadow.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
