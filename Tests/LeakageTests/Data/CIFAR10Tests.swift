import Foundation
import Testing

@testable import Leakage

@Suite("CIFAR-10 binary batches")
struct CIFAR10Tests {
  /// `count` records: record r has label r % 10 and channel c filled with r + c.
  static func batch(count: Int, labelOffset: Int = 0) -> [UInt8] {
    (0..<count).flatMap { r -> [UInt8] in
      [UInt8((r + labelOffset) % 10)] + (0..<3).flatMap { c in [UInt8](repeating: UInt8(r + c), count: 1024) }
    }
  }

  @Test("records parse into labels and planar pixels")
  func parse() throws {
    let (labels, pixels) = try CIFAR10.parseBatch(Self.batch(count: 4), fileName: "test_batch.bin")
    #expect(labels == [0, 1, 2, 3])
    #expect(pixels.count == 4 * 3072)
    #expect(pixels[2 * 3072 + 1024] == 3)
  }

  @Test("the cifar-10-batches-bin layout loads as a data set with class names")
  func layout() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let batches = directory.appendingPathComponent("cifar-10-batches-bin")
    try IDXFixtures.write(Self.batch(count: 3), to: batches.appendingPathComponent("test_batch.bin"))
    try IDXFixtures.write(Self.batch(count: 2), to: batches.appendingPathComponent("data_batch_1.bin"))
    try IDXFixtures.write(Self.batch(count: 2, labelOffset: 5), to: batches.appendingPathComponent("data_batch_2.bin"))
    let test = try CIFAR10.load(.test, from: directory)
    #expect(test.shape == [3, 3, 32, 32])
    #expect(test.classNames[3] == "cat")
    let image = try test.image(at: 1)
    #expect(image.scalars[0] == 1.0 / 255 && image.scalars[2048] == 3.0 / 255)
    let train = try CIFAR10.load(.train, from: directory)
    #expect(train.name == "cifar10-train")
    #expect(train.labels == [0, 1, 5, 6])
    let catalogue = SampleCatalogue(dataDirectory: directory)
    let sample = try catalogue.sample("cifar10:0-2")
    #expect(sample.images.shape == [3, 3, 32, 32])
    #expect(sample.classCount == 10)
  }

  @Test("truncated, empty and non-CIFAR files are rejected with the file name")
  func corrupted() {
    for (bytes, phrase) in [(Array(Self.batch(count: 2).dropLast(7)), "whole number"), ([], "empty"),
                            ([200] + [UInt8](repeating: 0, count: 3072), "label 200")] {
      let error = #expect(throws: DataError.self) { try CIFAR10.parseBatch(bytes, fileName: "data_batch_1.bin") }
      #expect(error?.description.hasPrefix("data_batch_1.bin: ") == true)
      #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
    }
  }

  @Test("a missing data directory or missing files say where they looked")
  func missing() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let error = #expect(throws: DataError.self) { try CIFAR10.load(.test, from: directory) }
    #expect(error?.description.contains("test_batch.bin") == true)
    #expect(error?.description.contains("cifar-10-batches-bin") == true)
    let needs = #expect(throws: DataError.self) { try SampleCatalogue().sample("cifar10:0") }
    #expect(needs == .needsDataDirectory(dataset: "cifar10"))
  }
}
