import CZlib

/// Compression through the system zlib: gzip for IDX files, zlib streams and CRC-32 for PNG.
public enum Zlib {
  /// The container around the deflate data.
  public enum Format: Sendable {
    /// RFC 1950 (PNG's IDAT).
    case zlib
    /// RFC 1952 (`.gz` files); concatenated members are decoded one after the other.
    case gzip
  }

  /// Whether `bytes` start with the gzip magic number 1f 8b.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// Decompresses `input`, refusing to produce more than `maxOutputBytes`: decoding stops as soon
  /// as the output passes the limit, so a decompression bomb costs at most the limit in memory.
  public static func inflate(_ input: [UInt8], format: Format, maxOutputBytes: Int) throws(ZlibError) -> [UInt8] {
    try inflate(input, format: format, stopAfter: maxOutputBytes, prefixOnly: false)
  }

  /// The first `count` decompressed bytes of `input` (fewer when the stream is shorter): enough to
  /// read a header before deciding how much of the rest to accept.
  public static func inflatePrefix(_ input: [UInt8], format: Format, count: Int) throws(ZlibError) -> [UInt8] {
    try inflate(input, format: format, stopAfter: count, prefixOnly: true)
  }

  /// Deflate's largest expansion (about 1032:1), used to bound the output reserved up front.
  static let maximumExpansion = 1032

  private static func inflate(_ input: [UInt8], format: Format, stopAfter limit: Int, prefixOnly: Bool) throws(ZlibError) -> [UInt8] {
    let limit = Swift.max(0, limit)
    var stream = z_stream()
    let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
    let initCode = inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initCode == Z_OK else { throw .failed(code: initCode) }
    defer { inflateEnd(&stream) }

    // Room for what the input can honestly produce, never more than the limit: no regrowth
    // copies for a well-formed stream, no large reservation for a tiny hostile one.
    let (bound, overflow) = input.count.multipliedReportingOverflow(by: maximumExpansion)
    var output = [UInt8]()
    output.reserveCapacity(Swift.min(limit, overflow ? Int.max - 1 : bound + 64) + 1)
    // The output may grow to `cap`: the limit, plus one byte that proves it was exceeded.
    let cap = prefixOnly || limit == Int.max ? limit : limit + 1
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let result: Result<Void, ZlibError> = input.withUnsafeBufferPointer { inBuffer in
      guard let inBase = inBuffer.baseAddress, !inBuffer.isEmpty else { return .failure(.truncated) }
      stream.next_in = UnsafeMutablePointer(mutating: inBase)
      stream.avail_in = 0
      var position: Int { Int(bitPattern: stream.next_in) - Int(bitPattern: inBase) }
      while true {
        // avail_in is 32-bit: very large inputs are fed in slices.
        if stream.avail_in == 0, position < inBuffer.count {
          stream.avail_in = UInt32(clamping: inBuffer.count - position)
        }
        // Never decode more than one byte past the limit (that byte proves the limit is exceeded).
        let room = cap - output.count
        if room <= 0 { return prefixOnly ? .success(()) : .failure(.tooLarge(limit: limit)) }
        let code: Int32 = chunk.withUnsafeMutableBufferPointer { out in
          let size = Swift.min(out.count, room)
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(size)
          let code = CZlib.inflate(&stream, Z_NO_FLUSH)
          output.append(contentsOf: out[0..<(size - Int(stream.avail_out))])
          return code
        }
        if !prefixOnly, output.count > limit { return .failure(.tooLarge(limit: limit)) }
        switch code {
        case Z_STREAM_END:
          let at = position
          // Another gzip member follows (as `cat a.gz b.gz` produces); anything else after the end is ignored.
          if format == .gzip, inBuffer.count - at >= 2, inBuffer[at] == 0x1F, inBuffer[at + 1] == 0x8B {
            guard inflateReset(&stream) == Z_OK else { return .failure(.failed(code: Z_STREAM_ERROR)) }
            continue
          }
          return .success(())
        case Z_OK:
          continue
        case Z_BUF_ERROR:
          // No progress possible: the input ran out before the end of the stream.
          if prefixOnly, output.count >= limit { return .success(()) }
          return .failure(position >= inBuffer.count ? .truncated : .corrupt("no progress"))
        case Z_DATA_ERROR, Z_NEED_DICT:
          return .failure(.corrupt(stream.msg.map { String(cString: $0) } ?? "invalid data"))
        default:
          return .failure(.failed(code: code))
        }
      }
    }
    try result.get()
    return output
  }

  /// Compresses `input` at `level` (0–9; 9 smallest).
  public static func deflate(_ input: [UInt8], format: Format, level: Int32 = 9) throws(ZlibError) -> [UInt8] {
    var stream = z_stream()
    let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
    let initCode = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                 zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initCode == Z_OK else { throw .failed(code: initCode) }
    defer { deflateEnd(&stream) }
    var output = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = input
    let code: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
      var offset = 0
      while true {
        let slice = min(inBuffer.count - offset, Int(UInt32.max))
        stream.next_in = inBuffer.baseAddress.map { $0 + offset }
        stream.avail_in = UInt32(slice)
        offset += slice
        let flush = offset >= inBuffer.count ? Z_FINISH : Z_NO_FLUSH
        var code: Int32 = Z_OK
        repeat {
          code = chunk.withUnsafeMutableBufferPointer { out in
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            let code = CZlib.deflate(&stream, flush)
            output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
            return code
          }
          if code == Z_STREAM_ERROR { return code }
        } while stream.avail_out == 0
        if flush == Z_FINISH { return code }
      }
    }
    guard code == Z_STREAM_END else { throw .failed(code: code) }
    return output
  }

  /// CRC-32 (as in PNG chunks and gzip trailers) of `bytes`, continuing from `crc`.
  public static func crc32(_ bytes: ArraySlice<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
      var value = UInt(crc)
      var offset = 0
      while offset < buffer.count {
        let n = min(buffer.count - offset, Int(UInt32.max))
        value = CZlib.crc32(value, buffer.baseAddress.map { $0 + offset }, UInt32(n))
        offset += n
      }
      return UInt32(truncatingIfNeeded: value)
    }
  }
}
