import Foundation

/// The data sets a sample address can name: the three embedded in `Samples/` (loaded lazily,
/// once) and MNIST / CIFAR-10 from the user's data directory; resolves addresses to samples.
///
/// A class rather than a value because it is a shared cache: every menu and command asking for
/// `digits` gets the one copy loaded first. Thread-safe (a lock guards the cache).
public final class SampleCatalogue: @unchecked Sendable {
  /// The file of each embedded data set inside the Samples directory.
  public static let embeddedFiles = ["digits": "digits.safetensors", "faces": "faces.safetensors", "photos": "photos.safetensors"]
  /// The environment variable naming the Samples directory.
  public static let environmentVariable = "I2F_SAMPLES"

  /// The Samples directory, or nil when none was found (embedded data sets then fail with the
  /// places looked in).
  public let samplesDirectory: URL?
  /// The user's data directory (`--data DIR`), for MNIST and CIFAR-10.
  public let dataDirectory: URL?
  private let looked: [String]
  private let lock = NSLock()
  private var cache: [String: Dataset] = [:]

  /// A catalogue using `samplesDirectory` if given, else the first Samples directory found by
  /// ``locateSamples(environment:currentDirectory:executable:)``.
  public init(samplesDirectory: URL? = nil, dataDirectory: URL? = nil,
              environment: [String: String] = ProcessInfo.processInfo.environment) {
    if let samplesDirectory {
      self.samplesDirectory = samplesDirectory
      looked = [samplesDirectory.relativePath]
    } else {
      let found = Self.locateSamples(environment: environment)
      self.samplesDirectory = found.directory
      looked = found.looked
    }
    self.dataDirectory = dataDirectory
  }

  /// Where the Samples directory is: `$I2F_SAMPLES`, else `./Samples`, else a `Samples`
  /// directory beside the executable or in one of its ancestors (so `.build/release/i2f` run from
  /// anywhere finds the checkout's Samples). Returns the places looked in, for error messages.
  public static func locateSamples(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                   executable: URL? = Bundle.main.executableURL) -> (directory: URL?, looked: [String]) {
    var looked: [String] = []
    if let path = environment[environmentVariable], !path.isEmpty {
      // An explicit setting is used even if it is wrong, so the error names it.
      return (URL(fileURLWithPath: path, isDirectory: true), ["$\(environmentVariable)=\(path)"])
    }
    var candidates = [currentDirectory.appendingPathComponent("Samples", isDirectory: true)]
    if let executable {
      var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
      while true {
        candidates.append(directory.appendingPathComponent("Samples", isDirectory: true))
        let parent = directory.deletingLastPathComponent()
        if parent.path == directory.path || directory.path == "/" { break }
        directory = parent
      }
    }
    for candidate in candidates {
      looked.append(candidate.path)
      if isSamplesDirectory(candidate) { return (candidate, looked) }
    }
    return (nil, looked)
  }

  /// Whether `url` holds at least one of the embedded data set files.
  public static func isSamplesDirectory(_ url: URL) -> Bool {
    embeddedFiles.values.contains { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }
  }

  /// The data set `name` (embedded or external), loaded on first use and then cached.
  public func dataset(named rawName: String) throws(DataError) -> Dataset {
    let name = rawName.lowercased()
    lock.lock()
    defer { lock.unlock() }
    if let cached = cache[name] { return cached }
    let dataset = try load(name)
    cache[name] = dataset
    return dataset
  }

  private func load(_ name: String) throws(DataError) -> Dataset {
    if let file = Self.embeddedFiles[name] {
      guard let samplesDirectory else { throw .samplesNotFound(looked: looked) }
      return try Dataset(contentsOf: samplesDirectory.appendingPathComponent(file), name: name)
    }
    guard SampleAddress.externalDatasets.contains(name) else {
      throw .unknownDataset(name: name, valid: SampleAddress.datasetNames)
    }
    guard let dataDirectory else { throw .needsDataDirectory(dataset: name) }
    switch name {
    case "mnist": return try MNIST.load(.test, from: dataDirectory)
    case "mnist-train": return try MNIST.load(.train, from: dataDirectory)
    case "cifar10": return try CIFAR10.load(.test, from: dataDirectory)
    default: return try CIFAR10.load(.train, from: dataDirectory)
    }
  }

  /// The images and labels `address` selects. A file of normalised tensors is mapped back to
  /// pixels with `normalizedBy`.
  public func sample(_ address: SampleAddress, normalizedBy normalization: InputNormalization? = nil) throws(DataError) -> Sample {
    switch address.source {
    case .file(let path):
      return try SampleFile.load(path: path, items: address.items, normalizedBy: normalization)
    case .dataset(let name):
      let dataset = try dataset(named: name)
      guard let items = address.items else {
        throw .invalidAddress(address: address.description, problem: "no image selected (write \(name):INDEX)")
      }
      let indices = try SampleFile.resolve(items, count: dataset.count, datasetName: name, itemNames: dataset.itemNames)
      return try Sample(address: address.description, images: dataset.images(at: indices), labels: indices.map { dataset.labels[$0] },
                        classNames: dataset.classNames, itemAddresses: indices.map(dataset.address(of:)))
    }
  }

  /// Parses and resolves an address such as `digits:17` (see ``SampleAddress``).
  public func sample(_ text: String, normalizedBy normalization: InputNormalization? = nil) throws(DataError) -> Sample {
    try sample(SampleAddress(parsing: text), normalizedBy: normalization)
  }
}
