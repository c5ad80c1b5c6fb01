import Autodiff
import Foundation
import Testing

@testable import Leakage

@Suite("Dataset")
struct DatasetTests {
  static func tiny() throws -> Dataset {
    try Dataset(name: "tiny", imageShape: [1, 1, 2], pixels: [0, 255, 51, 102, 255, 0], labels: [0, 1, 1],
                classNames: ["a", "b"], itemNames: ["x", "y", "z"])
  }

  @Test("images come out in [0, 1], stacked in the order asked")
  func images() throws {
    let data = try Self.tiny()
    #expect(data.shape == [3, 1, 1, 2])
    #expect(try data.image(at: 1).scalars == [0.2, 0.4])
    #expect(try data.images(at: [2, 0]) == Tensor(shape: [2, 1, 1, 2], scalars: [1, 0, 0, 1]))
    #expect(try data.images(at: [1], as: Float.self).scalars == [Float(0.2), Float(0.4)])
    #expect(try data.label(at: 2) == 1)
    #expect(data.index(ofItemNamed: "Y") == 1)
    #expect(data.address(of: 2) == "tiny:z")
    #expect(throws: DataError.indexOutOfRange(dataset: "tiny", index: 3, count: 3)) { try data.image(at: 3) }
    #expect(throws: DataError.self) { try data.image(at: -1) }
  }

  @Test("inconsistent parts are rejected")
  func validation() {
    #expect(throws: DataError.self) { try Dataset(name: "d", imageShape: [1, 2], pixels: [0, 0], labels: [0], classNames: ["a"]) }
    #expect(throws: DataError.self) { try Dataset(name: "d", imageShape: [1, 1, 2], pixels: [0], labels: [0], classNames: ["a"]) }
    #expect(throws: DataError.self) { try Dataset(name: "d", imageShape: [1, 1, 1], pixels: [0], labels: [2], classNames: ["a", "b"]) }
    #expect(throws: DataError.self) { try Dataset(name: "d", imageShape: [1, 1, 1], pixels: [0], labels: [0], classNames: []) }
    #expect(throws: DataError.self) {
      try Dataset(name: "d", imageShape: [1, 1, 1], pixels: [0], labels: [0], classNames: ["a"], itemNames: ["p", "q"])
    }
  }

  @Test("a data set file round-trips, and defective ones are rejected")
  func file() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("tiny.safetensors")
    try Self.tiny().write(to: url)
    let read = try Dataset(contentsOf: url)
    let original = try Self.tiny()
    #expect(read.pixels == original.pixels && read.labels == original.labels)
    #expect(read.classNames == ["a", "b"] && read.itemNames == ["x", "y", "z"] && read.name == "tiny")

    var file = try SafeTensors(contentsOf: url)
    file.metadata["max_value"] = "100"
    try file.write(to: url)
    let error = #expect(throws: DataError.self) { try Dataset(contentsOf: url) }
    #expect(error?.description.contains("above max_value 100") == true)
    file.metadata["max_value"] = nil
    file.metadata["class_names"] = "not json"
    try file.write(to: url)
    #expect(throws: DataError.self) { try Dataset(contentsOf: url) }
  }
}
