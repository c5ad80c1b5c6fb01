import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes shared by every file format in i2f.
public enum FileIO {
  /// Writes `bytes` to `url` atomically, so a reader (or a crash) sees either the old complete
  /// file or the new complete one, never a partial file:
  ///
  /// 1. the bytes go to a new temporary file beside the destination, named
  ///    `.NAME.i2f-tmp-PID-RANDOM` (see ``isTemporaryFile(_:)``) and recorded in
  ///    ``TemporaryFiles``, so a command stopped by a signal removes it;
  /// 2. the temporary file is flushed to disk (`fsync`) and renamed over the destination;
  /// 3. the directory is flushed, so the rename itself survives a power loss.
  ///
  /// On any failure the temporary file is removed and the destination is untouched. Only a
  /// SIGKILL or a power loss between steps 1 and 2 can leave a temporary file behind.
  public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(FileWriteError) {
    let destination = url.path
    let shown = url.relativePath
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/" + temporaryName(for: url.lastPathComponent)
    func failure(_ what: String) -> FileWriteError {
      FileWriteError(file: shown, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let (fd, openError) = TemporaryFiles.create(temporary)
    guard fd >= 0 else {
      errno = openError
      throw failure("cannot create a temporary file in \(directory)")
    }
    defer { TemporaryFiles.forget(temporary) }
    var written = 0
    let ok: Bool = bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return true }
      while written < raw.count {
        let n = write(fd, base + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          return false
        }
        written += n
      }
      return true
    }
    guard ok, fsync(fd) == 0 else {
      let error = failure("write failed")
      close(fd)
      unlink(temporary)
      throw error
    }
    guard close(fd) == 0 else {
      let error = failure("close failed")
      unlink(temporary)
      throw error
    }
    guard rename(temporary, destination) == 0 else {
      let error = failure("cannot rename the temporary file into place")
      unlink(temporary)
      throw error
    }
    // Best effort: some file systems cannot flush a directory; the file is in place regardless.
    let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
      _ = fsync(directoryFD)
      close(directoryFD)
    }
  }

  /// The marker in the names of temporary files: `.NAME.i2f-tmp-PID-RANDOM`.
  public static let temporaryMarker = ".i2f-tmp-"

  /// A fresh temporary name for a file called `name` in the same directory.
  static func temporaryName(for name: String) -> String {
    ".\(name)\(temporaryMarker)\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
  }

  /// Whether `name` (a file name, not a path) is a temporary file of ``writeAtomically(_:to:)``:
  /// the only files i2f may leave behind when killed with SIGKILL mid-write.
  public static func isTemporaryFile(_ name: String) -> Bool {
    name.hasPrefix(".") && name.contains(temporaryMarker)
  }

  /// The whole contents of `url`, which must be a regular file of at most `maxBytes` bytes and
  /// fit in `budget`; `kind` names the format in the size error ("an IDX file"). Special files
  /// (`/dev/zero`, pipes) are refused, so a read always ends. Both sizes are checked before
  /// anything is allocated.
  public static func readAll(
    _ url: URL, maxBytes: Int, kind: String, budget: MemoryBudget = .current
  ) throws(FileReadError) -> [UInt8] {
    let shown = url.relativePath
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
      throw FileReadError(file: shown, reason: reason)
    }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw FileReadError(file: shown, reason: String(cString: strerror(errno))) }
    let type = status.st_mode & S_IFMT
    guard type != S_IFDIR else { throw FileReadError(file: shown, reason: "is a directory") }
    guard type == S_IFREG else { throw FileReadError(file: shown, reason: "not a regular file") }
    let size = Int(status.st_size)
    guard size <= maxBytes else {
      throw FileReadError(file: shown, reason: "it holds \(size) bytes (\(MemoryBudget.format(bytes: size))), more than the "
        + "\(MemoryBudget.format(bytes: maxBytes)) accepted for \(kind)")
    }
    do {
      try budget.check(bytes: size, what: "reading it")
    } catch {
      throw FileReadError(file: shown, reason: error.description)
    }
    // `Array(unsafeUninitializedCapacity: 0)` writes the count into the shared empty-array
    // storage, a data race when two threads do it (ThreadSanitizer reports it).
    guard size > 0 else { return [] }
    var failed: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      while initialized < size {
        let n = read(fd, buffer.baseAddress! + initialized, size - initialized)
        if n < 0 {
          if errno == EINTR { continue }
          failed = errno
          break
        }
        if n == 0 { break }  // the file shrank while being read
        initialized += n
      }
    }
    guard failed == 0 else { throw FileReadError(file: shown, reason: String(cString: strerror(failed))) }
    return bytes
  }
}
