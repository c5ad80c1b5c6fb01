import Foundation

/// The MNIST handwritten digits, read from the standard IDX files a user already has.
public enum MNIST {
  /// Which half of MNIST.
  public enum Split: String, Sendable, CaseIterable {
    /// 10,000 images: `t10k-*`.
    case test = "t10k"
    /// 60,000 images: `train-*`.
    case train
  }

  /// The directories searched under a data directory, in order.
  public static let subdirectories = ["", "mnist", "MNIST", "mnist/raw", "MNIST/raw", "raw", "mnist/MNIST/raw"]

  /// File names accepted for the images and labels of `split` (each also with `.gz`): the
  /// original names and the common variant with a dot (`t10k-images.idx3-ubyte`).
  public static func fileNames(_ split: Split) -> (images: [String], labels: [String]) {
    let p = split.rawValue
    return (["\(p)-images-idx3-ubyte", "\(p)-images.idx3-ubyte"], ["\(p)-labels-idx1-ubyte", "\(p)-labels.idx1-ubyte"])
  }

  /// The images and labels files of `split` under `directory`, or an error saying where they were looked for.
  public static func locate(_ split: Split, in directory: URL) throws(DataError) -> (images: URL, labels: URL) {
    let names = fileNames(split)
    let name = split == .test ? "mnist" : "mnist-train"
    try DataDirectory.checkExists(directory)
    for sub in subdirectories {
      let base = sub.isEmpty ? directory : directory.appendingPathComponent(sub)
      if let images = DataDirectory.firstFile(in: base, names: names.images, suffixes: ["", ".gz"]),
         let labels = DataDirectory.firstFile(in: base, names: names.labels, suffixes: ["", ".gz"]) {
        return (images, labels)
      }
    }
    let looked = "\(names.images[0])[.gz] and \(names.labels[0])[.gz] in " +
      subdirectories.map { $0.isEmpty ? "." : $0 }.joined(separator: ", ")
    throw .notFound(dataset: name, directory: directory.relativePath, looked: looked)
  }

  /// Loads `split` from the IDX files under `directory`.
  public static func load(_ split: Split, from directory: URL) throws(DataError) -> Dataset {
    let files = try locate(split, in: directory)
    return try load(images: files.images, labels: files.labels, name: split == .test ? "mnist" : "mnist-train")
  }

  /// Loads a data set from an images file (`[N, H, W]` bytes) and a labels file (`[N]`, 0–9).
  public static func load(images imagesURL: URL, labels labelsURL: URL, name: String = "mnist") throws(DataError) -> Dataset {
    let images = try IDXFile(contentsOf: imagesURL, expectedRank: 3)
    let labels = try IDXFile(contentsOf: labelsURL, expectedRank: 1)
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw .malformed(file: labelsURL.relativePath,
                       problem: "\(labels.dimensions[0]) labels but \(imagesURL.lastPathComponent) holds \(images.dimensions[0]) images")
    }
    guard images.dimensions[1] > 0, images.dimensions[2] > 0 else {
      throw .malformed(file: imagesURL.relativePath, problem: "empty image size \(images.dimensions[1])×\(images.dimensions[2])")
    }
    if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
      throw .malformed(file: labelsURL.relativePath, problem: "label \(labels.bytes[bad]) at index \(bad) is not a digit 0–9")
    }
    do {
      return try Dataset(
        name: name, imageShape: [1, images.dimensions[1], images.dimensions[2]], pixels: images.bytes,
        labels: labels.bytes.map(Int.init), classNames: (0...9).map(String.init),
        metadata: ["source": "\(imagesURL.relativePath), \(labelsURL.relativePath)"])
    } catch {
      throw .malformed(file: imagesURL.relativePath, problem: error.description)
    }
  }
}
