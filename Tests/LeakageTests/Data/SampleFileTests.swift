import Autodiff
import Foundation
import Testing

@testable import Leakage

@Suite("samples from a user's safetensors file")
struct SampleFileTests {
  static func write(_ file: SafeTensors, named name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try file.write(to: url)
    return url.path
  }

  @Test("F32 x and I64 y: the whole batch, one item, a range")
  func floatBatch() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var file = SafeTensors(metadata: ["num_classes": "10"])
    file.set("x", Tensor<Float>(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0) / 16 }))
    try file.set("y", integers: [4, 5, 6], shape: [3])
    let path = try Self.write(file, named: "batch.safetensors", in: directory)
    let catalogue = SampleCatalogue(samplesDirectory: directory)
    let all = try catalogue.sample(path)
    #expect(all.images.shape == [3, 1, 2, 2])
    #expect(all.labels == [4, 5, 6])
    #expect(all.classCount == 10)
    #expect(all.images.scalars == (0..<12).map { Double($0) / 16 })
    let one = try catalogue.sample(path + ":2")
    #expect(one.images.scalars == [8, 9, 10, 11].map { Double($0) / 16 })
    #expect(one.labels == [6])
    #expect(one.itemAddresses == [path + ":2"])
    #expect(try catalogue.sample(path + ":0-1").labels == [4, 5])
    let range = #expect(throws: DataError.self) { try catalogue.sample(path + ":3") }
    #expect(range?.description == "\(path): index 3 out of range (valid: 0…2)")
  }

  @Test("U8 x is scaled by max_value; [C,H,W] x is one image; item names address items")
  func byteImages() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var file = SafeTensors(metadata: ["max_value": "4", "item_names": #"["cat"]"#])
    try file.set("x", bytes: [0, 1, 2, 4], shape: [1, 2, 2])
    try file.set("y", integers: [1], shape: [1], as: .i32)
    let path = try Self.write(file, named: "cat.safetensors", in: directory)
    let sample = try SampleCatalogue(samplesDirectory: directory).sample(path + ":cat")
    #expect(sample.images.shape == [1, 1, 2, 2])
    #expect(sample.images.scalars == [0, 0.25, 0.5, 1])
    #expect(sample.classCount == nil)
  }

  @Test("files that cannot be samples are rejected with the reason", arguments: [
    ("values", "must lie in [0, 1]"), ("nan", "must lie in [0, 1]"), ("noY", "no tensor \"y\""), ("shape", "expected [B,C,H,W]"),
    ("count", "y must hold 2 labels"), ("label", "label 12 of item 1"), ("intX", "is I64, expected F32 or F64 or U8"),
  ])
  func invalid(kind: String, phrase: String) throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var file = SafeTensors(metadata: ["num_classes": "10"])
    let good = Tensor<Double>(shape: [2, 1, 1, 2], scalars: [0, 0.5, 1, 0.25])
    file.set("x", good)
    try file.set("y", integers: [1, 2], shape: [2])
    switch kind {
    case "values": file.set("x", Tensor<Double>(shape: [2, 1, 1, 2], scalars: [0, 1.5, 1, 0]))
    case "nan": file.set("x", Tensor<Double>(shape: [2, 1, 1, 2], scalars: [0, .nan, 1, 0]))
    case "noY": file.tensors["y"] = nil
    case "shape": file.set("x", Tensor<Double>(shape: [4], scalars: [0, 0, 0, 0]))
    case "count": try file.set("y", integers: [1, 2, 3], shape: [3])
    case "label": try file.set("y", integers: [1, 12], shape: [2])
    default: try file.set("x", integers: [0, 0, 0, 0], shape: [2, 1, 1, 2])
    }
    let path = try Self.write(file, named: "bad.safetensors", in: directory)
    let error = #expect(throws: DataError.self) { try SampleCatalogue(samplesDirectory: directory).sample(path) }
    #expect(error?.description.hasPrefix(path + ": ") == true, "\(String(describing: error))")
    #expect(error?.description.contains(phrase) == true, "\(kind): \(String(describing: error))")
  }

  @Test("a sample written to a file reads back as the same sample")
  func roundTrip() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let catalogue = SampleCatalogue(samplesDirectory: IOTestSupport.repositoryRoot.appendingPathComponent("Samples"))
    let original = try catalogue.sample("photos:chelsea,coffee")
    let url = directory.appendingPathComponent("pair.safetensors")
    try original.write(to: url)
    let reread = try catalogue.sample(url.path)
    #expect(reread.images == original.images)
    #expect(reread.labels == original.labels)
    #expect(reread.classNames == original.classNames)
    #expect(try catalogue.sample(url.path + ":1").labels == [2])
    #expect(JSONValue.parseStringArray(try SafeTensors(contentsOf: url).metadata["item_sources"] ?? "") == ["photos:chelsea", "photos:coffee"])
  }
}
