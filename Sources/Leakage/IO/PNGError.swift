/// Why a PNG file could not be read or written; the description is one line naming the file.
public struct PNGError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file as the caller named it.
  public let file: String
  /// What is wrong.
  public let problem: String
  public var description: String { "\(file): \(problem)" }
}
