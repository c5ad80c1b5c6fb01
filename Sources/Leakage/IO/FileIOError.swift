/// Why a file could not be written. Nothing is left at the destination when this is thrown.
public struct FileWriteError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The destination as the caller named it.
  public let file: String
  /// What went wrong (the system's message).
  public let reason: String
  public var description: String { "\(file): cannot write the file: \(reason)" }
}

/// Why a file could not be read.
public struct FileReadError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file as the caller named it.
  public let file: String
  /// What went wrong (the system's message).
  public let reason: String
  public var description: String { "\(file): cannot read the file: \(reason)" }
}
