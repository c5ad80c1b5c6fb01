/// Why data could not be found, read or addressed. Each description is one line that names the
/// file, directory, data set or address at fault and, where it helps, what would be valid.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A file could not be read (missing, unreadable).
  case unreadable(file: String, reason: String)
  /// A data file's contents are invalid (bad magic, truncated, sizes that disagree).
  case malformed(file: String, problem: String)
  /// A tensor file is invalid or lacks what a data set needs.
  case tensorFile(SafeTensorsError)
  /// The files of a data set were not found where they were looked for.
  case notFound(dataset: String, directory: String, looked: String)
  /// A data set that lives outside the project was asked for without a data directory.
  case needsDataDirectory(dataset: String)
  /// The embedded Samples directory could not be found.
  case samplesNotFound(looked: [String])
  /// A sample address does not parse.
  case invalidAddress(address: String, problem: String)
  /// A data set name that does not exist.
  case unknownDataset(name: String, valid: [String])
  /// An index past the end of a data set or file.
  case indexOutOfRange(dataset: String, index: Int, count: Int)
  /// An item name that the data set (of `count` images) does not have.
  case unknownItem(dataset: String, name: String, valid: [String], count: Int)
  /// Images and labels that do not fit together (counts, shapes, label range).
  case inconsistent(dataset: String, problem: String)

  public var description: String {
    switch self {
    case let .unreadable(file, reason):
      return "\(file): cannot read the file: \(reason)"
    case let .malformed(file, problem):
      return "\(file): \(problem)"
    case let .tensorFile(error):
      return error.description
    case let .notFound(dataset, directory, looked):
      return "\(directory): no \(dataset) files found (looked for \(looked))"
    case let .needsDataDirectory(dataset):
      return "\(dataset): needs a data directory holding the data set (--data DIR)"
    case let .samplesNotFound(looked):
      return "Samples directory not found (looked in \(looked.joined(separator: ", ")); set I2F_SAMPLES to its path"
    case let .invalidAddress(address, problem):
      return "sample address \"\(address)\": \(problem)"
    case let .unknownDataset(name, valid):
      return "unknown data set \"\(name)\" (valid: \(valid.joined(separator: ", ")), or a path to a .safetensors file)"
    case let .indexOutOfRange(dataset, index, count):
      let valid = count == 0 ? "it is empty" : "valid: 0…\(count - 1)"
      return "\(dataset): index \(index) out of range (\(valid))"
    case let .unknownItem(dataset, name, valid, count):
      let indices = count == 0 ? "it is empty" : "an index 0…\(count - 1)"
      let list = valid.isEmpty ? "it has no item names; use \(indices)" : "valid: \(valid.joined(separator: ", ")), or \(indices)"
      return "\(dataset): no item named \"\(name)\" (\(list))"
    case let .inconsistent(dataset, problem):
      return "\(dataset): \(problem)"
    }
  }
}
