import Autodiff
import Foundation

/// Samples read from a user's safetensors file: `x` `[B, C, H, W]` (F32/F64 in [0, 1], or U8
/// scaled by the `max_value` metadata, default 255; `[C, H, W]` is one image) and `y` `[B]`
/// integer labels. Metadata `class_names` or `num_classes` gives the class count; `item_names`
/// lets items be addressed by name.
public enum SampleFile {
  /// Loads the images at `items` (all when nil) of the file at `path`.
  /// A file of normalised tensors z is mapped back to pixels `z·std + mean` with `normalizedBy`.
  public static func load(path: String, items: [SampleAddress.Item]?, normalizedBy normalization: InputNormalization? = nil) throws(DataError) -> Sample {
    let url = URL(fileURLWithPath: path)
    let file: SafeTensors
    do {
      file = try SafeTensors(contentsOf: url)
    } catch {
      throw .tensorFile(error)
    }
    return try load(file, path: path, items: items, normalizedBy: normalization)
  }

  /// Selects from already parsed tensors; `path` names the file in addresses and errors.
  public static func load(
    _ file: SafeTensors, path: String, items: [SampleAddress.Item]?, normalizedBy normalization: InputNormalization? = nil
  ) throws(DataError) -> Sample {
    let name = file.fileName
    let xStored: StoredTensor
    let yStored: StoredTensor
    do {
      xStored = try file.stored("x")
      yStored = try file.stored("y")
    } catch {
      throw .tensorFile(error)
    }
    var shape = xStored.shape
    if shape.count == 3 { shape.insert(1, at: 0) }
    guard shape.count == 4, shape.dropFirst().allSatisfy({ $0 > 0 }) else {
      throw .malformed(file: name, problem: "x has shape \(SafeTensorsError.format(xStored.shape)), expected [B,C,H,W] or [C,H,W]")
    }
    let batch = shape[0]
    // Shapes first: the labels are decoded (8 bytes each) only once their count is known to fit.
    guard yStored.elementCount == batch, yStored.shape.count <= 1 else {
      throw .malformed(file: name, problem: "y must hold \(batch) labels ([\(batch)]) to match x \(SafeTensorsError.format(xStored.shape))")
    }
    let labels: [Int]
    do {
      labels = try file.integers("y")
    } catch {
      throw .tensorFile(error)
    }
    var classNames: [String]?
    let metadata = file.metadata
    if metadata[DatasetMetadataKey.classNames] != nil || metadata[DatasetMetadataKey.classCount] != nil {
      classNames = try Dataset.classNames(metadata: metadata, labels: labels, fileName: name)
    }
    if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= (classNames?.count ?? Int.max) }) {
      let range = classNames.map { "0…\($0.count - 1)" } ?? "non-negative"
      throw .malformed(file: name, problem: "label \(labels[bad]) of item \(bad) in y is not \(range)")
    }
    var itemNames: [String]?
    if let text = metadata[DatasetMetadataKey.itemNames] {
      guard let names = JSONValue.parseStringArray(text), names.count == batch else {
        throw .malformed(file: name, problem: "metadata item_names is not a JSON array of \(batch) strings")
      }
      itemNames = names
    }

    // The pixel values as Doubles in [0, 1]: `value(i)` of element i (bytes are scaled only for
    // the selected images, so a large U8 file does not become eight times larger in memory).
    let value: (Int) -> Double
    switch xStored.dtype {
    case .f32, .f64:
      guard var v = xStored.floatingPointValues(as: Double.self) else {
        throw .malformed(file: name, problem: "x could not be decoded")
      }
      if let normalization {
        guard shape[1] == normalization.channelCount || normalization.channelCount == 1 else {
          throw .malformed(file: name, problem: "x has \(shape[1]) channels; the normalisation \(normalization) has \(normalization.channelCount)")
        }
        v = normalization.denormalize(Tensor(shape: shape, scalars: v)).scalars
        // Float32 round trips land within a few ulps of the box.
        if let bad = v.firstIndex(where: { !($0 >= -1e-5 && $0 <= 1 + 1e-5) }) {
          throw .malformed(file: name, problem: "x at element \(bad) is \(v[bad]) in pixels under \(normalization), outside [0, 1]: not normalised with it")
        }
        v = v.map { Swift.min(Swift.max($0, 0), 1) }
      } else if let bad = v.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
        throw .malformed(file: name, problem: "x holds \(v[bad]) at element \(bad); pixel values must lie in [0, 1] (a file of normalised tensors needs --normalized-sample and --normalize)")
      }
      value = { v[$0] }
    case .u8:
      var maxValue = 255.0
      if let text = metadata[DatasetMetadataKey.maxValue] {
        guard let m = UInt8(text), m > 0 else {
          throw .malformed(file: name, problem: "metadata max_value \"\(text)\" is not an integer 1…255")
        }
        maxValue = Double(m)
      }
      let bytes = xStored.bytes
      if let bad = bytes.firstIndex(where: { Double($0) > maxValue }) {
        throw .malformed(file: name, problem: "x holds \(bytes[bad]) at element \(bad), above max_value \(Int(maxValue))")
      }
      value = { Double(bytes[$0]) / maxValue }
    case .i64, .i32:
      throw .tensorFile(.wrongDType(file: name, tensor: "x", dtype: xStored.dtype, expected: [.f32, .f64, .u8]))
    }

    // The selection.
    let indices: [Int]
    if let items {
      indices = try resolve(items, count: batch, datasetName: path, itemNames: itemNames)
    } else {
      indices = Array(0..<batch)
    }
    let size = shape.dropFirst().reduce(1, *)
    var scalars = [Double]()
    scalars.reserveCapacity(indices.count * size)
    for i in indices { scalars += ((i * size)..<((i + 1) * size)).lazy.map(value) }
    let address = SampleAddress(source: .file(path), items: items).description
    let itemAddresses = indices.map { i in "\(path):\(itemNames?[i] ?? String(i))" }
    return try Sample(address: address, images: Tensor(shape: [indices.count] + shape.dropFirst(), scalars: scalars),
                      labels: indices.map { labels[$0] }, classNames: classNames, itemAddresses: itemAddresses)
  }

  /// Indices for an item list against `count` images (names looked up in `itemNames`).
  static func resolve(_ items: [SampleAddress.Item], count: Int, datasetName: String, itemNames: [String]?) throws(DataError) -> [Int] {
    var indices: [Int] = []
    for item in items {
      switch item {
      case .index(let i):
        guard i < count else { throw .indexOutOfRange(dataset: datasetName, index: i, count: count) }
        indices.append(i)
      case .range(let r):
        guard r.upperBound < count else { throw .indexOutOfRange(dataset: datasetName, index: r.upperBound, count: count) }
        indices += Array(r)
      case .name(let n):
        guard let i = itemNames?.firstIndex(where: { $0.lowercased() == n.lowercased() }) else {
          throw .unknownItem(dataset: datasetName, name: n, valid: itemNames ?? [], count: count)
        }
        indices.append(i)
      }
    }
    guard indices.count <= SampleAddress.maxBatch else {
      throw .invalidAddress(address: datasetName, problem: "selects more than \(SampleAddress.maxBatch) images")
    }
    return indices
  }
}
