import Foundation

/// Finding data files in a user's `--data DIR`.
enum DataDirectory {
  /// Throws unless `directory` exists and is a directory.
  static func checkExists(_ directory: URL) throws(DataError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .unreadable(file: directory.relativePath, reason: "no such directory")
    }
  }

  /// The first existing regular file `base/name+suffix`, names tried in order, each with every suffix.
  static func firstFile(in base: URL, names: [String], suffixes: [String]) -> URL? {
    for name in names {
      for suffix in suffixes {
        let url = base.appendingPathComponent(name + suffix)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
          return url
        }
      }
    }
    return nil
  }
}
