import Autodiff
import Foundation

/// A resolved sample: the images and labels an address selects, ready for a model.
public struct Sample: Sendable, Equatable {
  /// The address this sample was resolved from (canonical form).
  public let address: String
  /// `[B, C, H, W]`, pixels in [0, 1].
  public let images: Tensor<Double>
  /// One label per image.
  public let labels: [Int]
  /// The class names of the source, when it names them (files may not).
  public let classNames: [String]?
  /// How each image is addressed on its own (`digits:17`, `photos:chelsea`, `batch.safetensors:2`).
  public let itemAddresses: [String]

  /// A sample from its parts; throws when the counts disagree.
  public init(address: String, images: Tensor<Double>, labels: [Int], classNames: [String]?, itemAddresses: [String]) throws(DataError) {
    guard images.rank == 4, images.shape[0] == labels.count, itemAddresses.count == labels.count else {
      throw .inconsistent(dataset: address, problem: "images \(SafeTensorsError.format(images.shape)) do not match \(labels.count) labels")
    }
    self.address = address
    self.images = images
    self.labels = labels
    self.classNames = classNames
    self.itemAddresses = itemAddresses
  }

  /// Number of images (B).
  public var batchSize: Int { labels.count }
  /// `[C, H, W]`.
  public var imageShape: [Int] { Array(images.shape.dropFirst()) }
  /// The number of classes, when the source says (see ``classNames``).
  public var classCount: Int? { classNames?.count }

  /// Image `b` as `[1, C, H, W]`.
  public func image(at b: Int) throws(DataError) -> Tensor<Double> {
    guard b >= 0 && b < batchSize else { throw .indexOutOfRange(dataset: address, index: b, count: batchSize) }
    let size = imageShape.reduce(1, *)
    return Tensor(shape: [1] + imageShape, scalars: Array(images.scalars[(b * size)..<((b + 1) * size)]))
  }

  /// The sample as a safetensors file: `x` F64 `[B, C, H, W]` (exact), `y` I64 `[B]`, metadata
  /// with the address (`source`), each item's address (`item_sources`) and the class names;
  /// readable again as the address `FILE`.
  public func safeTensors() -> SafeTensors {
    var file = SafeTensors()
    file.set("x", images)
    file.tensors["y"] = try? StoredTensor.encodeIntegers(labels, shape: [batchSize], as: .i64).get()
    file.metadata["source"] = address
    file.metadata[DatasetMetadataKey.itemSources] = JSONWriter.stringArray(itemAddresses)
    if let classNames { file.metadata[DatasetMetadataKey.classNames] = JSONWriter.stringArray(classNames) }
    return file
  }

  /// Writes the sample atomically (see ``safeTensors()``).
  public func write(to url: URL) throws(DataError) {
    do {
      try safeTensors().write(to: url)
    } catch {
      throw .tensorFile(error)
    }
  }
}
