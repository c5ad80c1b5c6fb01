import Foundation

/// PNG encoding and decoding for ``PNGImage``: 8-bit gray or RGB, non-interlaced, zlib via the
/// system library. The encoder picks a filter per row (the smallest sum of absolute filtered
/// values, the usual heuristic); the decoder accepts all five filters and checks every CRC.
public enum PNGCodec {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The largest PNG file the reader accepts.
  public static let maxFileBytes = 256 << 20
  /// The largest width or height the reader accepts.
  public static let maxSide = 16_384
  /// The most pixels the reader accepts (64 Mpx: 192 MiB of RGB), checked before any image data
  /// is decompressed, so a small file cannot announce an image that fills memory.
  public static let maxPixels = 1 << 26

  /// The PNG file bytes of `image`. Throws only when zlib itself fails (out of memory).
  public static func encode(_ image: PNGImage) throws(ZlibError) -> [UInt8] {
    let stride = image.width * image.channels
    let bpp = image.channels
    var filtered = [UInt8]()
    filtered.reserveCapacity((stride + 1) * image.height)
    var candidate = [UInt8](repeating: 0, count: stride)
    var best = [UInt8](repeating: 0, count: stride)
    image.pixels.withUnsafeBufferPointer { p in
      for y in 0..<image.height {
        let row = y * stride
        var bestType: UInt8 = 0
        var bestScore = Int.max
        for type in UInt8(0)...4 {
          var score = 0
          for i in 0..<stride {
            let x = p[row + i]
            let a = i >= bpp ? p[row + i - bpp] : 0
            let b = y > 0 ? p[row - stride + i] : 0
            let c = (y > 0 && i >= bpp) ? p[row - stride + i - bpp] : 0
            let predicted: UInt8
            switch type {
            case 0: predicted = 0
            case 1: predicted = a
            case 2: predicted = b
            case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
            default: predicted = paeth(a, b, c)
            }
            let value = x &- predicted
            candidate[i] = value
            score += Int(Int8(bitPattern: value).magnitude)
          }
          if score < bestScore {
            bestScore = score
            bestType = type
            swap(&best, &candidate)
          }
        }
        filtered.append(bestType)
        filtered.append(contentsOf: best)
      }
    }
    var ihdr = [UInt8]()
    appendBigEndian(UInt32(image.width), to: &ihdr)
    appendBigEndian(UInt32(image.height), to: &ihdr)
    ihdr += [8, image.channels == 3 ? 2 : 0, 0, 0, 0]
    let idat = try Zlib.deflate(filtered, format: .zlib)
    var out = signature
    appendChunk("IHDR", ihdr, to: &out)
    appendChunk("IDAT", idat, to: &out)
    appendChunk("IEND", [], to: &out)
    return out
  }

  /// Writes `image` as a PNG file atomically (temporary file, then rename).
  public static func write(_ image: PNGImage, to url: URL) throws(PNGError) {
    let bytes: [UInt8]
    do {
      bytes = try encode(image)
    } catch {
      throw PNGError(file: url.relativePath, problem: "cannot compress the image: \(error)")
    }
    do {
      try FileIO.writeAtomically(bytes, to: url)
    } catch {
      throw PNGError(file: error.file, problem: "cannot write the file: \(error.reason)")
    }
  }

  /// Reads a PNG file (8-bit gray or RGB, non-interlaced).
  public static func read(contentsOf url: URL) throws(PNGError) -> PNGImage {
    let bytes: [UInt8]
    do {
      bytes = try FileIO.readAll(url, maxBytes: maxFileBytes, kind: "a PNG file")
    } catch {
      throw PNGError(file: error.file, problem: "cannot read the file: \(error.reason)")
    }
    return try decode(bytes, fileName: url.relativePath)
  }

  /// Decodes PNG bytes; `fileName` names the file in errors.
  public static func decode(_ bytes: [UInt8], fileName: String) throws(PNGError) -> PNGImage {
    func fail(_ problem: String) -> PNGError { PNGError(file: fileName, problem: problem) }
    guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw fail("not a PNG file (bad signature)") }
    var position = 8
    var header: (width: Int, height: Int, channels: Int)?
    var compressed = [UInt8]()
    var sawEnd = false
    while !sawEnd {
      guard position + 12 <= bytes.count else { throw fail("truncated PNG (chunk header past the end)") }
      let length = Int(readBigEndian(bytes, at: position))
      let typeBytes = bytes[(position + 4)..<(position + 8)]
      let type = String(decoding: typeBytes, as: UTF8.self)
      guard length <= bytes.count - position - 12 else { throw fail("truncated PNG (chunk \(type) past the end)") }
      let dataStart = position + 8
      let data = bytes[dataStart..<(dataStart + length)]
      let storedCRC = readBigEndian(bytes, at: dataStart + length)
      guard Zlib.crc32(bytes[(position + 4)..<(dataStart + length)]) == storedCRC else {
        throw fail("CRC mismatch in chunk \(type)")
      }
      switch type {
      case "IHDR":
        guard header == nil else { throw fail("more than one IHDR chunk") }
        guard length == 13 else { throw fail("IHDR has length \(length), expected 13") }
        let width = Int(readBigEndian(bytes, at: dataStart))
        let height = Int(readBigEndian(bytes, at: dataStart + 4))
        let (depth, color, method, filter, interlace) =
          (data[dataStart + 8], data[dataStart + 9], data[dataStart + 10], data[dataStart + 11], data[dataStart + 12])
        guard width > 0, height > 0 else { throw fail("empty image size \(width)×\(height)") }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
          throw fail("image size \(width)×\(height) is larger than the \(maxSide)×\(maxSide) and \(maxPixels) pixels accepted")
        }
        guard depth == 8, color == 0 || color == 2, method == 0, filter == 0, interlace == 0 else {
          throw fail("unsupported PNG format (bit depth \(depth), colour type \(color), interlace \(interlace)); only 8-bit gray or RGB, non-interlaced")
        }
        header = (width, height, color == 2 ? 3 : 1)
      case "IDAT":
        guard header != nil else { throw fail("IDAT before IHDR") }
        compressed.append(contentsOf: data)
      case "IEND":
        sawEnd = true
      default:
        // Ancillary chunks (lowercase first letter) are skipped; unknown critical ones are not.
        guard let first = typeBytes.first, first & 0x20 != 0 else { throw fail("unsupported critical chunk \(type)") }
      }
      position = dataStart + length + 4
    }
    guard let (width, height, channels) = header else { throw fail("no IHDR chunk") }
    let stride = width * channels
    let expected = (stride + 1) * height
    let raw: [UInt8]
    do {
      raw = try Zlib.inflate(compressed, format: .zlib, maxOutputBytes: expected)
    } catch {
      throw fail("image data: \(error)")
    }
    guard raw.count == expected else { throw fail("image data has \(raw.count) bytes, expected \(expected)") }
    var pixels = [UInt8](repeating: 0, count: stride * height)
    for y in 0..<height {
      let type = raw[y * (stride + 1)]
      let source = y * (stride + 1) + 1
      let row = y * stride
      for i in 0..<stride {
        let x = raw[source + i]
        let a = i >= channels ? pixels[row + i - channels] : 0
        let b = y > 0 ? pixels[row - stride + i] : 0
        let c = (y > 0 && i >= channels) ? pixels[row - stride + i - channels] : 0
        switch type {
        case 0: pixels[row + i] = x
        case 1: pixels[row + i] = x &+ a
        case 2: pixels[row + i] = x &+ b
        case 3: pixels[row + i] = x &+ UInt8((Int(a) + Int(b)) / 2)
        case 4: pixels[row + i] = x &+ paeth(a, b, c)
        default: throw fail("invalid filter type \(type) in row \(y)")
        }
      }
    }
    guard let image = PNGImage(width: width, height: height, channels: channels, pixels: pixels) else {
      throw fail("inconsistent image size")
    }
    return image
  }

  // MARK: Helpers

  private static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
    let p = Int(a) + Int(b) - Int(c)
    let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
    if pa <= pb && pa <= pc { return a }
    return pb <= pc ? b : c
  }

  private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
  }

  private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
  }

  private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
    appendBigEndian(UInt32(data.count), to: &out)
    let start = out.count
    out.append(contentsOf: Array(type.utf8))
    out.append(contentsOf: data)
    appendBigEndian(Zlib.crc32(out[start...]), to: &out)
  }
}
