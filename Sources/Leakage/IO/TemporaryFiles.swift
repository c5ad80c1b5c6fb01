import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files being written right now (by ``FileIO/writeAtomically(_:to:)``), so a
/// command stopped by SIGINT, SIGTERM or SIGHUP can remove them before it exits.
///
/// Not for signal handlers (it takes a lock): the executable receives signals on a thread of its
/// own (`sigwait`) and calls ``removeAllBeforeExit()`` from there.
public enum TemporaryFiles {
  private static let paths = LockedValue(Set<String>())

  /// Creates `path` (which must not exist) for writing and records it; the file descriptor, or
  /// -1 with the `errno` of `open`. Creating under the lock means a file is either recorded before
  /// ``removeAllBeforeExit()`` runs (and removed by it) or never created.
  static func create(_ path: String) -> (fd: Int32, errno: Int32) {
    paths.withLock { files in
      let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      let error = errno
      if fd >= 0 { files.insert(path) }
      return (fd, error)
    }
  }

  /// Forgets `path` once it has been renamed into place or removed.
  static func forget(_ path: String) {
    _ = paths.withLock { $0.remove(path) }
  }

  /// The files in progress now.
  public static var inProgress: [String] { paths.withLock { Array($0) } }

  /// Removes every file in progress (an interrupted write; the destinations keep their old
  /// contents) and keeps the registry locked, so no new temporary file appears before the
  /// process exits. Call only right before exiting.
  public static func removeAllBeforeExit() {
    paths.lockForever { files in
      for path in files { unlink(path) }
    }
  }
}
