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
  /// Writes `bytes` to `url` atomically: the bytes go to a temporary file in the same directory,
  /// which is flushed and then renamed over the destination, so a failure (full disk, crash)
  /// never leaves a partial output file behind.
  public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(FileWriteError) {
    let destination = url.path
    let shown = url.relativePath
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    func failure(_ what: String) -> FileWriteError {
      FileWriteError(file: shown, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw failure("cannot create a temporary file in \(directory)") }
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
  }

  /// The whole contents of `url`.
  public static func readAll(_ url: URL) throws(FileReadError) -> [UInt8] {
    let shown = url.relativePath
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw FileReadError(file: shown, reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw FileReadError(file: shown, reason: "is a directory") }
    do {
      return [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
    } catch {
      throw FileReadError(file: shown, reason: error.localizedDescription)
    }
  }
}
