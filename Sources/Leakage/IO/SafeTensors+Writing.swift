import Foundation

extension SafeTensors {
  /// The file's bytes, deterministic for given contents: a compact JSON header with
  /// `__metadata__` first and all keys sorted, padded with spaces to a multiple of 8 bytes; the
  /// data laid out by element size (largest first), then name, so every tensor is aligned to
  /// its element size (as the reference implementation does).
  public func serialized() -> [UInt8] {
    let layout = tensors.keys.sorted { a, b in
      let (sa, sb) = (tensors[a]?.dtype.byteCount ?? 0, tensors[b]?.dtype.byteCount ?? 0)
      return sa != sb ? sa > sb : a < b
    }
    var offsets: [String: (Int, Int)] = [:]
    var position = 0
    for name in layout {
      let size = tensors[name]?.bytes.count ?? 0
      offsets[name] = (position, position + size)
      position += size
    }
    var entries: [String] = []
    if !metadata.isEmpty {
      let items = metadata.keys.sorted().map { JSONWriter.quoted($0) + ":" + JSONWriter.quoted(metadata[$0] ?? "") }
      entries.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
    }
    for name in tensors.keys.sorted() {
      guard let tensor = tensors[name], let (begin, end) = offsets[name] else { continue }
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      entries.append(JSONWriter.quoted(name)
        + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(end)]}")
    }
    var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    header.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8))
    var out = [UInt8]()
    out.reserveCapacity(8 + header.count + position)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: header)
    for name in layout {
      if let tensor = tensors[name] { out.append(contentsOf: tensor.bytes) }
    }
    return out
  }

  /// Writes the file atomically (temporary file in the same directory, then rename).
  public func write(to url: URL) throws(SafeTensorsError) {
    for name in tensors.keys where name.isEmpty || name == "__metadata__" {
      throw .invalidTensor(file: url.relativePath, tensor: name, detail: "reserved or empty tensor name")
    }
    do {
      try FileIO.writeAtomically(serialized(), to: url)
    } catch {
      throw .writeFailed(file: error.file, reason: error.reason)
    }
  }
}
