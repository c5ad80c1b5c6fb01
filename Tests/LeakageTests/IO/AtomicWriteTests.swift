import Foundation
import Testing

@testable import Leakage

@Suite("Atomic file writes")
struct AtomicWriteTests {
  @Test("a write replaces the file whole and leaves no temporary file")
  func replaces() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("out.bin")
    try FileIO.writeAtomically([1, 2, 3], to: url)
    let large = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    try FileIO.writeAtomically(large, to: url)
    #expect(try [UInt8](Data(contentsOf: url)) == large)
    #expect(IOTestSupport.contents(of: directory) == ["out.bin"])
    #expect(TemporaryFiles.inProgress.allSatisfy { !$0.hasPrefix(directory.path) })
  }

  @Test("a failed write leaves the destination as it was and no temporary file")
  func failureLeavesNothing() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // The destination is a non-empty directory: the final rename fails.
    let blocked = directory.appendingPathComponent("blocked")
    try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
    try Data([9]).write(to: blocked.appendingPathComponent("keep"))
    let error = #expect(throws: FileWriteError.self) { try FileIO.writeAtomically([1, 2, 3], to: blocked) }
    #expect(error?.description.contains("cannot rename the temporary file into place") == true)
    #expect(IOTestSupport.contents(of: directory) == ["blocked"])
    #expect(IOTestSupport.contents(of: blocked) == ["keep"])
    // A directory that does not exist: nothing is created.
    let missing = directory.appendingPathComponent("no/such/dir/out.bin")
    let e2 = #expect(throws: FileWriteError.self) { try FileIO.writeAtomically([1], to: missing) }
    #expect(e2?.description.contains("cannot create a temporary file in") == true)
    #expect(IOTestSupport.contents(of: directory) == ["blocked"])
  }

  @Test("temporary files follow one pattern, which no ordinary name matches")
  func temporaryNames() {
    let name = FileIO.temporaryName(for: "weights.safetensors")
    #expect(name.hasPrefix(".weights.safetensors.i2f-tmp-\(getpid())-"))
    #expect(FileIO.isTemporaryFile(name))
    #expect(FileIO.temporaryName(for: "a") != FileIO.temporaryName(for: "a"))
    for ordinary in ["weights.safetensors", ".hidden", "i2f-tmp-1", "view.json", "x.i2f-tmp-3"] {
      #expect(!FileIO.isTemporaryFile(ordinary), "\(ordinary)")
    }
  }

  @Test("every writer of i2f goes through the atomic writer")
  func writersAreAtomic() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Each writer replaces an existing file; a writer that opened the destination itself would
    // keep the old inode, while a rename gives a new one.
    func inode(_ name: String) throws -> UInt64 {
      let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
      return try #require((attributes[.systemFileNumber] as? NSNumber)?.uint64Value)
    }
    let writers: [(String, (URL) throws -> Void)] = [
      ("weights.safetensors", { try SafeTensors(tensors: [:], metadata: ["a": "b"]).write(to: $0) }),
      ("image.png", { try PNGCodec.write(PNGImage(width: 1, height: 1, channels: 1, pixels: [7])!, to: $0) }),
      ("trajectory.csv", { try ImageExport.writeTrajectory([], to: $0) }),
      ("grid.png", { try ImageExport.writePNG(.init(zeros: [1, 1, 2, 2]), to: $0) }),
    ]
    for (name, write) in writers {
      let url = directory.appendingPathComponent(name)
      try Data([0]).write(to: url)
      let before = try inode(name)
      try write(url)
      #expect(try inode(name) != before, "\(name) was rewritten in place")
    }
    #expect(IOTestSupport.contents(of: directory) == writers.map(\.0).sorted())
  }
}
