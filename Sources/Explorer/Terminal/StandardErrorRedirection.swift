#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Points file descriptor 2 at a log file while curses owns the screen, so runtime errors,
/// warnings and the crash backtrace are kept instead of being scribbled over the UI (or lost with
/// the alternate screen), and puts it back afterwards.
struct StandardErrorRedirection {
  /// A duplicate of the original standard error, or -1.
  let original: Int32
  /// The file standard error now goes to, or nil when it had to go to /dev/null.
  let logPath: String?

  /// Redirects to `path`, creating its directory if needed; falls back to /dev/null when the file
  /// cannot be opened (writing into the curses screen would be worse than losing the text).
  init(path: String) {
    original = dup(2)
    var target = Self.open(path)
    var used: String? = path
    if target < 0 {
      Self.makeParentDirectories(of: path)
      target = Self.open(path)
    }
    if target < 0 {
      target = Self.open("/dev/null", flags: O_WRONLY | O_CLOEXEC)
      used = nil
    }
    if target >= 0 {
      dup2(target, 2)
      close(target)
    }
    logPath = used
  }

  /// Points standard error back at the original descriptor.
  func restore() {
    guard original >= 0 else { return }
    dup2(original, 2)
    close(original)
  }

  private static func open(_ path: String, flags: Int32 = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, 0o644)
    #else
    return Darwin.open(path, flags, 0o644)
    #endif
  }

  /// `mkdir -p` of the directory part of `path`.
  private static func makeParentDirectories(of path: String) {
    let scalars = Array(path.unicodeScalars)
    for (i, s) in scalars.enumerated() where s == "/" && i > 0 {
      mkdir(String(String.UnicodeScalarView(scalars[..<i])), 0o755)
    }
  }
}
