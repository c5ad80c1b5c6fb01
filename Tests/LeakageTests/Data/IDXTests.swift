import Foundation
import Testing

@testable import Leakage

/// Synthetic IDX files and helpers.
enum IDXFixtures {
  /// An unsigned-byte IDX file with the given extents and data.
  static func idx(_ dimensions: [Int], _ data: [UInt8], magic: [UInt8]? = nil) -> [UInt8] {
    var out: [UInt8] = magic ?? [0, 0, 8, UInt8(dimensions.count)]
    for d in dimensions { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
    return out + data
  }

  /// `count` images of 28×28 where image n has every pixel equal to n, and labels n % 10.
  static func mnist(count: Int) -> (images: [UInt8], labels: [UInt8]) {
    let pixels = (0..<count).flatMap { n in [UInt8](repeating: UInt8(n), count: 28 * 28) }
    return (idx([count, 28, 28], pixels), idx([count], (0..<count).map { UInt8($0 % 10) }))
  }

  static func write(_ bytes: [UInt8], to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
  }
}

@Suite("MNIST IDX reader")
struct IDXTests {
  @Test("raw and gzip files give the same images and labels")
  func rawAndGzip() throws {
    let (images, labels) = IDXFixtures.mnist(count: 12)
    let raw = try IDXFile(fileBytes: images, fileName: "a", expectedRank: 3)
    let gz = try IDXFile(fileBytes: Zlib.deflate(images, format: .gzip), fileName: "a.gz", expectedRank: 3)
    #expect(raw == gz)
    #expect(raw.dimensions == [12, 28, 28])
    #expect(raw.bytes.count == 12 * 784)
    #expect(try IDXFile(fileBytes: labels, fileName: "l", expectedRank: 1).bytes == (0..<12).map { UInt8($0 % 10) })
  }

  @Test("a data set from a pair of files, in a nested directory layout")
  func dataset() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (images, labels) = IDXFixtures.mnist(count: 5)
    try IDXFixtures.write(Zlib.deflate(images, format: .gzip), to: directory.appendingPathComponent("MNIST/raw/t10k-images-idx3-ubyte.gz"))
    try IDXFixtures.write(labels, to: directory.appendingPathComponent("MNIST/raw/t10k-labels-idx1-ubyte"))
    let mnist = try MNIST.load(.test, from: directory)
    #expect(mnist.name == "mnist")
    #expect(mnist.shape == [5, 1, 28, 28])
    #expect(mnist.labels == [0, 1, 2, 3, 4])
    #expect(mnist.classCount == 10)
    let image = try mnist.image(at: 3)
    #expect(image.shape == [1, 1, 28, 28])
    #expect(image.scalars.allSatisfy { $0 == 3.0 / 255 })
    // The training half is not there: the error says where it looked.
    let error = #expect(throws: DataError.self) { try MNIST.load(.train, from: directory) }
    #expect(error?.description.contains("train-images-idx3-ubyte[.gz]") == true)
    #expect(error?.description.contains("mnist/raw") == true)
  }

  @Test("the dotted file-name variant is found too")
  func dottedNames() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (images, labels) = IDXFixtures.mnist(count: 2)
    try IDXFixtures.write(images, to: directory.appendingPathComponent("mnist/train-images.idx3-ubyte"))
    try IDXFixtures.write(labels, to: directory.appendingPathComponent("mnist/train-labels.idx1-ubyte"))
    #expect(try MNIST.load(.train, from: directory).count == 2)
    #expect(throws: DataError.self) { try MNIST.load(.train, from: directory.appendingPathComponent("nope")) }
  }

  /// Each corruption, and the phrase its one-line error must contain.
  static let corruptions: [(String, [UInt8], String)] = [
    ("bad magic", IDXFixtures.idx([2, 28, 28], [UInt8](repeating: 0, count: 2 * 784), magic: [0x1F, 0x00, 8, 3]), "bad magic"),
    ("text file", Array("hello, this is not an IDX file".utf8), "bad magic"),
    ("wrong element type", IDXFixtures.idx([2, 28, 28], [UInt8](repeating: 0, count: 2 * 784), magic: [0, 0, 0x0D, 3]), "not unsigned bytes"),
    ("labels file given as images", IDXFixtures.idx([2], [1, 2]), "rank 1, expected 3"),
    ("truncated data", Array(IDXFixtures.idx([2, 28, 28], [UInt8](repeating: 0, count: 2 * 784)).dropLast(100)), "truncated"),
    ("truncated header", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0], "truncated"),
    ("tiny", [0, 0], "truncated"),
    ("wrong count", IDXFixtures.idx([3, 28, 28], [UInt8](repeating: 0, count: 2 * 784)), "announces 3×28×28"),
    ("extra data", IDXFixtures.idx([1, 28, 28], [UInt8](repeating: 0, count: 2 * 784)), "too long"),
    ("huge extents", IDXFixtures.idx([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [1, 2, 3]), "truncated"),
    ("bad gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "gzip"),
  ]

  @Test("corrupted files give a one-line error naming the file", arguments: 0..<corruptions.count)
  func corrupted(index: Int) {
    let (what, bytes, phrase) = Self.corruptions[index]
    let error = #expect(throws: DataError.self, "\(what)") { try IDXFile(fileBytes: bytes, fileName: "t10k-images-idx3-ubyte", expectedRank: 3) }
    #expect(error?.description.hasPrefix("t10k-images-idx3-ubyte: ") == true, "\(what)")
    #expect(error?.description.contains(phrase) == true, "\(what): \(String(describing: error))")
    #expect(error?.description.contains("\n") == false)
  }

  @Test("a gzip file cut short is reported as truncated")
  func truncatedGzip() throws {
    let (images, _) = IDXFixtures.mnist(count: 20)
    let gz = try Zlib.deflate(images, format: .gzip)
    let error = #expect(throws: DataError.self) { try IDXFile(fileBytes: Array(gz.prefix(gz.count / 2)), fileName: "x.gz", expectedRank: 3) }
    #expect(error?.description.contains("truncated") == true)
  }

  @Test("image and label counts must agree; labels must be digits")
  func pairing() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (images, _) = IDXFixtures.mnist(count: 3)
    let imagesURL = directory.appendingPathComponent("i")
    let fewLabels = directory.appendingPathComponent("l")
    let badLabels = directory.appendingPathComponent("b")
    try IDXFixtures.write(images, to: imagesURL)
    try IDXFixtures.write(IDXFixtures.idx([2], [1, 2]), to: fewLabels)
    try IDXFixtures.write(IDXFixtures.idx([3], [1, 12, 2]), to: badLabels)
    let count = #expect(throws: DataError.self) { try MNIST.load(images: imagesURL, labels: fewLabels) }
    #expect(count?.description.contains("2 labels but i holds 3 images") == true)
    let digit = #expect(throws: DataError.self) { try MNIST.load(images: imagesURL, labels: badLabels) }
    #expect(digit?.description.contains("label 12 at index 1") == true)
  }

  @Test("the real MNIST test set", .enabled(if: ProcessInfo.processInfo.environment["I2F_MNIST_DIR"] != nil))
  func realMNIST() throws {
    let directory = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["I2F_MNIST_DIR"]))
    let mnist = try MNIST.load(.test, from: directory)
    #expect(mnist.count == 10_000)
    #expect(mnist.shape == [10_000, 1, 28, 28])
    #expect(mnist.labels.prefix(5) == [7, 2, 1, 0, 4])
    #expect(Set(mnist.labels) == Set(0...9))
    #expect(mnist.pixels.max() == 255 && mnist.pixels.min() == 0)
    let catalogue = SampleCatalogue(dataDirectory: directory)
    let sample = try catalogue.sample("mnist:0")
    #expect(sample.labels == [7])
    #expect(sample.images.shape == [1, 1, 28, 28])
    #expect(sample.itemAddresses == ["mnist:0"])
    let error = #expect(throws: DataError.self) { try catalogue.sample("mnist:10000") }
    #expect(error?.description == "mnist: index 10000 out of range (valid: 0…9999)")
  }
}
