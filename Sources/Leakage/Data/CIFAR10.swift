import Foundation

/// CIFAR-10 in its binary version (`cifar-10-batches-bin/`): each batch file is a sequence of
/// 3,073-byte records, one label byte (0–9) then 1,024 red, 1,024 green and 1,024 blue bytes
/// of a 32×32 image, already in the `[C, H, W]` order i2f uses.
public enum CIFAR10 {
  /// Which half of CIFAR-10.
  public enum Split: String, Sendable, CaseIterable {
    /// 10,000 images: `test_batch.bin`.
    case test
    /// Up to 50,000 images: `data_batch_1.bin` … `data_batch_5.bin`.
    case train
  }

  /// The class names, in label order (`batches.meta.txt`).
  public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
  /// Bytes per record.
  public static let recordLength = 1 + 3 * 32 * 32
  /// The largest batch file accepted (the real ones hold 10,000 records, 30.7 MB).
  public static let maxBatchBytes = 1 << 30
  /// The directories searched under a data directory, in order.
  public static let subdirectories = [
    "", "cifar-10-batches-bin", "cifar10", "cifar10/cifar-10-batches-bin", "CIFAR10", "CIFAR10/cifar-10-batches-bin",
    "cifar-10", "cifar-10/cifar-10-batches-bin",
  ]

  /// The batch files of `split`.
  public static func fileNames(_ split: Split) -> [String] {
    split == .test ? ["test_batch.bin"] : (1...5).map { "data_batch_\($0).bin" }
  }

  /// Labels and pixels of one batch file, validated (whole records, labels 0–9).
  public static func readBatch(_ url: URL) throws(DataError) -> (labels: [Int], pixels: [UInt8]) {
    let bytes: [UInt8]
    do {
      bytes = try FileIO.readAll(url, maxBytes: maxBatchBytes, kind: "a CIFAR-10 batch")
    } catch {
      throw .unreadable(file: error.file, reason: error.reason)
    }
    return try parseBatch(bytes, fileName: url.relativePath)
  }

  /// Parses the bytes of a batch file; `fileName` names it in errors.
  public static func parseBatch(_ bytes: [UInt8], fileName: String) throws(DataError) -> (labels: [Int], pixels: [UInt8]) {
    guard !bytes.isEmpty else { throw .malformed(file: fileName, problem: "empty file, expected 3073-byte CIFAR-10 records") }
    guard bytes.count % recordLength == 0 else {
      throw .malformed(file: fileName, problem: "\(bytes.count) bytes is not a whole number of 3073-byte CIFAR-10 records (truncated, or not a CIFAR-10 batch)")
    }
    let count = bytes.count / recordLength
    var labels = [Int]()
    labels.reserveCapacity(count)
    var pixels = [UInt8]()
    pixels.reserveCapacity(count * (recordLength - 1))
    for r in 0..<count {
      let start = r * recordLength
      let label = bytes[start]
      guard label < 10 else {
        throw .malformed(file: fileName, problem: "record \(r) has label \(label), expected 0–9 (not a CIFAR-10 batch; CIFAR-100 is not supported)")
      }
      labels.append(Int(label))
      pixels.append(contentsOf: bytes[(start + 1)..<(start + recordLength)])
    }
    return (labels, pixels)
  }

  /// The batch files of `split` under `directory` (for `train`, those of the five present).
  public static func locate(_ split: Split, in directory: URL) throws(DataError) -> [URL] {
    try DataDirectory.checkExists(directory)
    for sub in subdirectories {
      let base = sub.isEmpty ? directory : directory.appendingPathComponent(sub)
      let found = fileNames(split).compactMap { DataDirectory.firstFile(in: base, names: [$0], suffixes: [""]) }
      if !found.isEmpty { return found }
    }
    let looked = "\(fileNames(split).first ?? "")… in " + subdirectories.map { $0.isEmpty ? "." : $0 }.joined(separator: ", ")
    throw .notFound(dataset: split == .test ? "cifar10" : "cifar10-train", directory: directory.relativePath, looked: looked)
  }

  /// Loads `split` from the batch files under `directory`.
  public static func load(_ split: Split, from directory: URL) throws(DataError) -> Dataset {
    try load(batches: locate(split, in: directory), name: split == .test ? "cifar10" : "cifar10-train")
  }

  /// Loads and concatenates the given batch files.
  public static func load(batches: [URL], name: String = "cifar10") throws(DataError) -> Dataset {
    var labels: [Int] = []
    var pixels: [UInt8] = []
    for url in batches {
      let batch = try readBatch(url)
      labels += batch.labels
      pixels += batch.pixels
    }
    return try Dataset(name: name, imageShape: [3, 32, 32], pixels: pixels, labels: labels, classNames: classNames,
                       metadata: ["source": batches.map(\.relativePath).joined(separator: ", ")])
  }
}
