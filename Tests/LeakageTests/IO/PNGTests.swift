import Autodiff
import Foundation
import Testing

@testable import Leakage

@Suite("PNG writer and reader")
struct PNGTests {
  static func randomImage(width: Int, height: Int, channels: Int, seed: UInt64) -> PNGImage? {
    var rng = SeededRandom(seed: seed)
    // Half noise, half smooth gradients, so every row filter gets chosen somewhere.
    let pixels = (0..<(width * height * channels)).map { i -> UInt8 in
      let y = i / (width * channels)
      return y % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : UInt8(truncatingIfNeeded: i / channels + y)
    }
    return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
  }

  @Test("gray and RGB images survive encode → decode", arguments: [(1, 1, 1), (1, 1, 3), (17, 5, 1), (32, 32, 3), (3, 40, 3)])
  func roundTrip(size: (Int, Int, Int)) throws {
    let image = try #require(Self.randomImage(width: size.0, height: size.1, channels: size.2, seed: UInt64(size.0 * 100 + size.1)))
    let bytes = try PNGCodec.encode(image)
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(try PNGCodec.decode(bytes, fileName: "x.png") == image)
  }

  @Test("the encoded stream is a standard zlib stream: decoding it independently gives the filtered rows")
  func independentCheck() throws {
    let image = try #require(PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 255, 10, 20]))
    let bytes = try PNGCodec.encode(image)
    // IHDR right after the signature: width 2, height 2, depth 8, colour type 0.
    #expect(Array(bytes[8..<16]) == [0, 0, 0, 13] + Array("IHDR".utf8))
    #expect(Array(bytes[16..<29]) == [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0])
    let idatLength = Int(bytes[33]) << 24 | Int(bytes[34]) << 16 | Int(bytes[35]) << 8 | Int(bytes[36])
    #expect(String(decoding: bytes[37..<41], as: UTF8.self) == "IDAT")
    let raw = try Zlib.inflate(Array(bytes[41..<(41 + idatLength)]), format: .zlib, maxOutputBytes: 100)
    #expect(raw.count == 6)
    #expect(raw.enumerated().allSatisfy { $0.offset % 3 != 0 || $0.element <= 4 })
  }

  @Test("nearest-neighbour upscaling repeats each pixel factor × factor times")
  func upscale() throws {
    let image = try #require(PNGImage(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6]))
    let big = image.upscaled(by: 3)
    #expect(big.width == 6 && big.height == 3 && big.channels == 3)
    for y in 0..<3 {
      for x in 0..<6 {
        let p = Array(big.pixels[((y * 6 + x) * 3)..<((y * 6 + x) * 3 + 3)])
        #expect(p == (x < 3 ? [1, 2, 3] : [4, 5, 6]))
      }
    }
    #expect(image.upscaled(by: 1) == image)
  }

  @Test("tensors in [0, 1] map to bytes, clamped and rounded")
  func fromTensor() throws {
    let gray = try #require(PNGImage(tensor: Tensor<Double>(shape: [1, 1, 1, 4], scalars: [0, 0.5, 1.7, -3])))
    #expect(gray.channels == 1 && gray.width == 4 && gray.height == 1)
    #expect(gray.pixels == [0, 128, 255, 0])
    // Planar [C, H, W] becomes interleaved.
    let rgb = try #require(PNGImage(tensor: Tensor<Float>(shape: [3, 1, 2], scalars: [1, 0, 0, 1, 0, .nan])))
    #expect(rgb.pixels == [255, 0, 0, 0, 255, 0])
    #expect(PNGImage(tensor: Tensor<Double>(shape: [2, 2, 2], scalars: [Double](repeating: 0, count: 8))) == nil)
    // A batch splits into one image per entry.
    let batch = try #require(PNGImage.images(fromBatch: Tensor<Double>(shape: [2, 1, 1, 2], scalars: [0, 1, 1, 0])))
    #expect(batch.map(\.pixels) == [[0, 255], [255, 0]])
    #expect(PNGImage.images(fromBatch: Tensor<Double>(shape: [2, 2], scalars: [0, 0, 0, 0])) == nil)
  }

  @Test("a grid lays images out with spacing; gray promoted to RGB when mixed")
  func grid() throws {
    let a = try #require(PNGImage(width: 1, height: 1, channels: 1, pixels: [9]))
    let b = try #require(PNGImage(width: 1, height: 1, channels: 3, pixels: [1, 2, 3]))
    let grid = try #require(PNGImage.grid([a, b, a], columns: 2, spacing: 1, background: 7))
    #expect(grid.width == 3 && grid.height == 3 && grid.channels == 3)
    #expect(Array(grid.pixels[0..<9]) == [9, 9, 9, 7, 7, 7, 1, 2, 3])
    #expect(Array(grid.pixels[18..<21]) == [9, 9, 9])
  }

  @Test("files are written atomically and read back")
  func file() throws {
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let image = try #require(Self.randomImage(width: 8, height: 8, channels: 3, seed: 5)).upscaled(by: 4)
    let url = directory.appendingPathComponent("digit.png")
    try PNGCodec.write(image, to: url)
    #expect(IOTestSupport.contents(of: directory) == ["digit.png"])
    #expect(try PNGCodec.read(contentsOf: url) == image)
    #expect(throws: PNGError.self) { try PNGCodec.write(image, to: directory.appendingPathComponent("missing/x.png")) }
  }

  @Test("damaged PNGs give one-line errors naming the file")
  func damaged() throws {
    let image = try #require(Self.randomImage(width: 6, height: 6, channels: 3, seed: 1))
    let bytes = try PNGCodec.encode(image)
    var badCRC = bytes
    badCRC[20] ^= 1
    for broken in [Array(bytes.prefix(30)), badCRC, Array(bytes.dropFirst()), [UInt8]()] {
      let error = #expect(throws: PNGError.self) { try PNGCodec.decode(broken, fileName: "out.png") }
      #expect(error?.description.hasPrefix("out.png: ") == true)
    }
    for length in 0..<bytes.count {
      #expect(throws: PNGError.self) { try PNGCodec.decode(Array(bytes.prefix(length)), fileName: "cut.png") }
    }
  }
}
