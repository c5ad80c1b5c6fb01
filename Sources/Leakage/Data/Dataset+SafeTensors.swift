import Foundation

extension Dataset {
  /// Loads a data set file: `x` U8 `[N, C, H, W]`, `y` integer `[N]`, metadata with the class
  /// names (or `num_classes`), optional `item_names` and `max_value`. This is the format of the
  /// embedded Samples. `name` overrides the metadata's name.
  public init(contentsOf url: URL, name: String? = nil) throws(DataError) {
    let file: SafeTensors
    do {
      file = try SafeTensors(contentsOf: url)
    } catch {
      throw .tensorFile(error)
    }
    try self.init(file, name: name ?? file.metadata[DatasetMetadataKey.name] ?? url.deletingPathExtension().lastPathComponent)
  }

  /// A data set from parsed tensors (see ``init(contentsOf:name:)``).
  public init(_ file: SafeTensors, name: String) throws(DataError) {
    let fileName = file.fileName
    let x: StoredTensor
    let y: StoredTensor
    do {
      x = try file.stored("x")
      y = try file.stored("y")
    } catch {
      throw .tensorFile(error)
    }
    guard x.shape.count == 4 else {
      throw .malformed(file: fileName, problem: "x has shape \(SafeTensorsError.format(x.shape)), expected [N,C,H,W]")
    }
    // Shapes first: the labels are decoded (8 bytes each) only once their count is known to fit.
    guard y.shape == [x.shape[0]] else {
      throw .malformed(file: fileName, problem: "y must have shape [\(x.shape[0])] to match x \(SafeTensorsError.format(x.shape))")
    }
    let labels: [Int]
    let pixels: [UInt8]
    do {
      pixels = try file.bytes("x")
      labels = try file.integers("y")
    } catch {
      throw .tensorFile(error)
    }
    let metadata = file.metadata
    let classNames = try Self.classNames(metadata: metadata, labels: labels, fileName: fileName)
    var itemNames: [String]?
    if let text = metadata[DatasetMetadataKey.itemNames] {
      guard let names = JSONValue.parseStringArray(text) else {
        throw .malformed(file: fileName, problem: "metadata item_names is not a JSON array of strings")
      }
      itemNames = names
    }
    var maxPixelValue: UInt8 = 255
    if let text = metadata[DatasetMetadataKey.maxValue] {
      guard let value = UInt8(text), value > 0 else {
        throw .malformed(file: fileName, problem: "metadata max_value \"\(text)\" is not an integer 1…255")
      }
      maxPixelValue = value
    }
    if let bad = pixels.firstIndex(where: { $0 > maxPixelValue }) {
      throw .malformed(file: fileName, problem: "pixel \(bad) of x is \(pixels[bad]), above max_value \(maxPixelValue)")
    }
    do {
      try self.init(name: name, imageShape: Array(x.shape.dropFirst()), pixels: pixels, labels: labels,
                    classNames: classNames, itemNames: itemNames, maxPixelValue: maxPixelValue, metadata: metadata)
    } catch {
      // Re-anchor consistency errors on the file, which is what the user can fix.
      throw .malformed(file: fileName, problem: error.description)
    }
  }

  /// The most classes a data set file may declare (ImageNet-21k has 21,841): a number in the
  /// metadata, or one large label, must not make the reader build millions of class names.
  public static let maxClassCount = 65_536

  /// The class names from `class_names`, else `num_classes`, else one per label value up to the
  /// largest label ("0", "1", …); at most ``maxClassCount``.
  static func classNames(metadata: [String: String], labels: [Int], fileName: String) throws(DataError) -> [String] {
    if let text = metadata[DatasetMetadataKey.classNames] {
      guard let names = JSONValue.parseStringArray(text), !names.isEmpty else {
        throw .malformed(file: fileName, problem: "metadata class_names is not a non-empty JSON array of strings")
      }
      guard names.count <= maxClassCount else {
        throw .malformed(file: fileName, problem: "metadata class_names lists \(names.count) classes, more than the \(maxClassCount) accepted")
      }
      return names
    }
    if let text = metadata[DatasetMetadataKey.classCount] {
      guard let count = Int(text), count > 0 else {
        throw .malformed(file: fileName, problem: "metadata num_classes \"\(text)\" is not a positive integer")
      }
      guard count <= maxClassCount else {
        throw .malformed(file: fileName, problem: "metadata num_classes \(count) is more than the \(maxClassCount) classes accepted")
      }
      return (0..<count).map(String.init)
    }
    let top = labels.max() ?? 0
    guard top < maxClassCount else {
      throw .malformed(file: fileName, problem: "label \(top) is larger than the \(maxClassCount) classes accepted (or give num_classes)")
    }
    return (0...max(top, 1)).map(String.init)
  }

  /// The data set as a safetensors file in the Samples format (the inverse of
  /// ``init(contentsOf:name:)``; byte-identical to what `Scripts/build_samples.py` writes).
  public func safeTensors() -> SafeTensors {
    var file = SafeTensors()
    var metadata = self.metadata
    metadata[DatasetMetadataKey.name] = name
    metadata[DatasetMetadataKey.maxValue] = String(maxPixelValue)
    if metadata[DatasetMetadataKey.classNames].flatMap(JSONValue.parseStringArray) != classNames {
      metadata[DatasetMetadataKey.classNames] = JSONWriter.stringArray(classNames)
    }
    if let itemNames, metadata[DatasetMetadataKey.itemNames].flatMap(JSONValue.parseStringArray) != itemNames {
      metadata[DatasetMetadataKey.itemNames] = JSONWriter.stringArray(itemNames)
    }
    file.metadata = metadata
    file.tensors["x"] = StoredTensor(dtype: .u8, shape: shape, bytes: pixels)
    file.tensors["y"] = try? StoredTensor.encodeIntegers(labels, shape: [count], as: .i64).get()
    return file
  }

  /// Writes the data set atomically as a safetensors file (see ``safeTensors()``).
  public func write(to url: URL) throws(DataError) {
    do {
      try safeTensors().write(to: url)
    } catch {
      throw .tensorFile(error)
    }
  }
}
