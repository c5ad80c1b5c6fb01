import Foundation
import FuzzDriver
import Leakage

/// The ONNX reader (`--model FILE.onnx`): protobuf decoding, graph checks and initializer
/// unpacking. External data locations resolve to the input itself, so offsets and lengths that
/// point outside a file are exercised too. What parses must have a value of the declared shape
/// for every parameter and buffer it stores.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Data(fuzzInput(data, size))
  guard let model = try? ONNXModel(bytes: bytes, fileName: "fuzz.onnx", externalData: { _ in bytes }) else { return 0 }
  for p in model.parameters + model.buffers {
    guard let value = model.initialValues[p.name] else { continue }
    fuzzRequire(value.shape == p.shape, "\(p.name): stored shape \(value.shape), declared \(p.shape)")
    fuzzRequire(value.scalars.count == p.shape.reduce(1, *), "\(p.name): \(value.scalars.count) values for shape \(p.shape)")
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
