import FuzzDriver
import Leakage

/// CIFAR-10 binary batches (3,073-byte records: a label byte and 3×32×32 pixels).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let batch = try? CIFAR10.parseBatch(fuzzInput(data, size), fileName: "fuzz.bin") else { return 0 }
  fuzzRequire(batch.pixels.count == batch.labels.count * (CIFAR10.recordLength - 1), "pixels do not match the labels")
  fuzzRequire(batch.labels.allSatisfy { (0..<10).contains($0) }, "a label outside 0–9 was accepted")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
