import Autodiff

/// A labelled image data set held compactly: one byte per pixel, shape `[N, C, H, W]`.
///
/// Pixels are stored as `UInt8` values `0…maxPixelValue` (255 for photos and MNIST, 16 for the
/// sklearn digits) and handed out as tensors in [0, 1], the pixel space every model, attack and
/// metric in i2f works in.
public struct Dataset: Sendable, Equatable {
  /// Short name used in sample addresses (`digits`, `mnist`, …).
  public let name: String
  /// `[C, H, W]` of every image.
  public let imageShape: [Int]
  /// `N × C × H × W` bytes, row-major.
  public let pixels: [UInt8]
  /// One label per image, each in `0..<classCount`.
  public let labels: [Int]
  /// The name of each class; its count is the number of classes.
  public let classNames: [String]
  /// Per-image names (the photos), or nil when images are known by index only.
  public let itemNames: [String]?
  /// The stored value that means 1.0 (pixel / maxPixelValue is the [0, 1] value).
  public let maxPixelValue: UInt8
  /// Source, licence and other notes carried from the file.
  public let metadata: [String: String]

  /// A data set; throws when the pixels, shape, labels and names do not agree.
  public init(name: String, imageShape: [Int], pixels: [UInt8], labels: [Int], classNames: [String],
              itemNames: [String]? = nil, maxPixelValue: UInt8 = 255, metadata: [String: String] = [:]) throws(DataError) {
    guard imageShape.count == 3, imageShape.allSatisfy({ $0 > 0 }),
          let imageSize = StoredTensor.elementCount(of: imageShape) else {
      throw .inconsistent(dataset: name, problem: "image shape \(SafeTensorsError.format(imageShape)) is not [C,H,W] with positive extents")
    }
    guard pixels.count == labels.count * imageSize else {
      throw .inconsistent(dataset: name, problem: "\(pixels.count) pixel bytes for \(labels.count) labels of \(SafeTensorsError.format(imageShape)) images")
    }
    guard !classNames.isEmpty else { throw .inconsistent(dataset: name, problem: "no classes") }
    if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classNames.count }) {
      throw .inconsistent(dataset: name, problem: "label \(labels[bad]) of image \(bad) is outside 0…\(classNames.count - 1)")
    }
    if let itemNames, itemNames.count != labels.count {
      throw .inconsistent(dataset: name, problem: "\(itemNames.count) item names for \(labels.count) images")
    }
    guard maxPixelValue > 0 else { throw .inconsistent(dataset: name, problem: "maximum pixel value 0") }
    self.name = name
    self.imageShape = imageShape
    self.pixels = pixels
    self.labels = labels
    self.classNames = classNames
    self.itemNames = itemNames
    self.maxPixelValue = maxPixelValue
    self.metadata = metadata
  }

  /// Number of images.
  public var count: Int { labels.count }
  /// Number of classes.
  public var classCount: Int { classNames.count }
  /// `[N, C, H, W]`.
  public var shape: [Int] { [count] + imageShape }
  /// Scalars per image (`C × H × W`).
  public var imageSize: Int { imageShape.reduce(1, *) }

  /// Throws unless `index` is a valid image index.
  public func checkIndex(_ index: Int) throws(DataError) {
    guard index >= 0 && index < count else { throw .indexOutOfRange(dataset: name, index: index, count: count) }
  }

  /// Image `index` as a `[1, C, H, W]` tensor in [0, 1].
  public func image<Scalar: TensorScalar>(at index: Int, as: Scalar.Type = Double.self) throws(DataError) -> Tensor<Scalar> {
    try images(at: [index], as: Scalar.self)
  }

  /// The images at `indices` stacked as a `[B, C, H, W]` tensor in [0, 1].
  public func images<Scalar: TensorScalar>(at indices: [Int], as: Scalar.Type = Double.self) throws(DataError) -> Tensor<Scalar> {
    for index in indices { try checkIndex(index) }
    let size = imageSize
    let maxValue = Scalar(maxPixelValue)
    return Tensor(shape: [indices.count] + imageShape) { out in
      for (b, index) in indices.enumerated() {
        let source = index * size
        for i in 0..<size { out[b * size + i] = Scalar(pixels[source + i]) / maxValue }
      }
    }
  }

  /// The label of image `index`.
  public func label(at index: Int) throws(DataError) -> Int {
    try checkIndex(index)
    return labels[index]
  }

  /// The index of the image called `name` (photos), matched case-insensitively.
  public func index(ofItemNamed name: String) -> Int? {
    itemNames?.firstIndex { $0.lowercased() == name.lowercased() }
  }

  /// How image `index` is addressed: `photos:chelsea` when it has a name, else `digits:17`.
  public func address(of index: Int) -> String {
    if let itemNames, index >= 0, index < itemNames.count { return "\(name):\(itemNames[index])" }
    return "\(name):\(index)"
  }
}
