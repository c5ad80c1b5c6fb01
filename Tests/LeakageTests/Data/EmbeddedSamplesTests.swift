import Foundation
import Testing

@testable import Leakage

@Suite("embedded Samples")
struct EmbeddedSamplesTests {
  static let samples = IOTestSupport.repositoryRoot.appendingPathComponent("Samples")
  static let catalogue = SampleCatalogue(samplesDirectory: samples)

  @Test("digits: 1797 images 1×8×8, labels 0–9, raw 0–16 scaled to [0, 1]")
  func digits() throws {
    let digits = try Self.catalogue.dataset(named: "digits")
    #expect(digits.shape == [1797, 1, 8, 8])
    #expect(digits.classNames == (0...9).map(String.init))
    #expect(digits.maxPixelValue == 16)
    #expect(digits.pixels.max() == 16)
    #expect(Set(digits.labels) == Set(0...9))
    #expect(digits.labels.prefix(3) == [0, 1, 2])
    let image = try digits.image(at: 0)
    #expect(image.shape == [1, 1, 8, 8])
    #expect(image.scalars.allSatisfy { $0 >= 0 && $0 <= 1 && ($0 * 16).rounded() == $0 * 16 })
    // sklearn's digits.images[0], a 0: its first rows as published.
    #expect(Array(image.scalars[0..<16]) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0].map { Double($0) / 16 })
    #expect(digits.metadata["licence"]?.contains("CC BY 4.0") == true)
  }

  @Test("faces: 100 images 1×25×25, one labelled class of two")
  func faces() throws {
    let faces = try Self.catalogue.dataset(named: "faces")
    #expect(faces.shape == [100, 1, 25, 25])
    #expect(faces.labels.allSatisfy { $0 == 0 })
    #expect(faces.classNames == ["face", "non-face"])
    #expect(faces.itemNames == nil)
  }

  @Test("photos: 13 named CC0 / public-domain photos, 3×32×32, one class each")
  func photos() throws {
    let photos = try Self.catalogue.dataset(named: "photos")
    #expect(photos.shape == [13, 3, 32, 32])
    #expect(photos.itemNames?.prefix(4) == ["astronaut", "chelsea", "coffee", "camera"])
    #expect(photos.labels == Array(0..<13))
    #expect(photos.classCount == 13)
    let camera = try photos.image(at: 3)
    // camera is a gray photo replicated to three channels.
    #expect(Array(camera.scalars[0..<1024]) == Array(camera.scalars[1024..<2048]))
    let licences = try #require(photos.metadata["item_licences"].flatMap(JSONValue.parseStringArray))
    #expect(licences.count == 13 && licences.allSatisfy { $0.contains("CC0") || $0.lowercased().contains("public domain") })
  }

  @Test("addresses resolve against the embedded data sets")
  func addresses() throws {
    let chelsea = try Self.catalogue.sample("photos:chelsea")
    #expect(chelsea.images.shape == [1, 3, 32, 32])
    #expect(chelsea.labels == [1])
    #expect(chelsea.itemAddresses == ["photos:chelsea"])
    #expect(try Self.catalogue.sample("photos:1").images == chelsea.images)
    let batch = try Self.catalogue.sample("digits:0-3,17")
    #expect(batch.images.shape == [5, 1, 8, 8])
    #expect(batch.labels == [0, 1, 2, 3, 7])
    #expect(batch.itemAddresses == ["digits:0", "digits:1", "digits:2", "digits:3", "digits:17"])
    #expect(try batch.image(at: 4) == Self.catalogue.sample("digits:17").images)
    #expect(try Self.catalogue.sample("faces:99").images.shape == [1, 1, 25, 25])
  }

  @Test("bad indices and names list what is valid")
  func errors() {
    let range = #expect(throws: DataError.self) { try Self.catalogue.sample("digits:1797") }
    #expect(range?.description == "digits: index 1797 out of range (valid: 0…1796)")
    let name = #expect(throws: DataError.self) { try Self.catalogue.sample("photos:dog") }
    #expect(name?.description.hasPrefix("photos: no item named \"dog\" (valid: astronaut, chelsea, coffee, camera,") == true)
    #expect(name?.description.hasSuffix("rocket, or an index 0…12)") == true)
    let noNames = #expect(throws: DataError.self) { try Self.catalogue.sample("faces:alice") }
    #expect(noNames?.description == "faces: no item named \"alice\" (it has no item names; use an index 0…99)")
    let missing = #expect(throws: DataError.self) {
      try SampleCatalogue(samplesDirectory: URL(fileURLWithPath: "/nonexistent/Samples")).dataset(named: "digits")
    }
    #expect(missing?.description.hasPrefix("/nonexistent/Samples/digits.safetensors: cannot read the file") == true)
  }

  @Test("the Samples directory is found from the environment, the working directory or the executable's ancestors")
  func discovery() {
    let root = IOTestSupport.repositoryRoot
    let fromEnvironment = SampleCatalogue.locateSamples(environment: ["I2F_SAMPLES": "/somewhere/Samples"], currentDirectory: root, executable: nil)
    #expect(fromEnvironment.directory?.path == "/somewhere/Samples")
    let fromWorkingDirectory = SampleCatalogue.locateSamples(environment: [:], currentDirectory: root, executable: nil)
    #expect(fromWorkingDirectory.directory?.standardizedFileURL.path == Self.samples.standardizedFileURL.path)
    let executable = root.appendingPathComponent(".build/x86_64-unknown-linux-gnu/release/i2f")
    let fromExecutable = SampleCatalogue.locateSamples(environment: [:], currentDirectory: URL(fileURLWithPath: "/"), executable: executable)
    #expect(fromExecutable.directory?.standardizedFileURL.path == Self.samples.standardizedFileURL.path)
    let nowhere = SampleCatalogue.locateSamples(environment: [:], currentDirectory: URL(fileURLWithPath: "/"), executable: URL(fileURLWithPath: "/usr/bin/i2f"))
    #expect(nowhere.directory == nil)
    #expect(nowhere.looked.contains("/usr/bin/Samples"))
    // The test runner itself lives under the checkout's build directory.
    #expect(SampleCatalogue(environment: [:]).samplesDirectory != nil)
  }

  @Test("re-writing an embedded data set reproduces the committed file byte for byte", arguments: ["digits", "faces", "photos"])
  func byteIdentical(name: String) throws {
    let url = Self.samples.appendingPathComponent("\(name).safetensors")
    let dataset = try Dataset(contentsOf: url)
    #expect(dataset.name == name)
    #expect(dataset.safeTensors().serialized() == [UInt8](try Data(contentsOf: url)))
  }

  @Test("the embedded Samples stay small")
  func size() throws {
    let files = try FileManager.default.contentsOfDirectory(at: Self.samples, includingPropertiesForKeys: [.fileSizeKey])
    let total = try files.reduce(0) { $0 + (try $1.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) }
    #expect(total < 2_000_000)
  }
}
