import Autodiff
import Foundation
import Testing

@testable import Leakage

private let stateDictFixture = IOTestSupport.fixtures.appendingPathComponent("torch_state_dict.safetensors")
private let dtypesFixture = IOTestSupport.fixtures.appendingPathComponent("torch_dtypes.safetensors")

/// Files written by the real `safetensors.torch.save_file` (see Scripts/make_safetensors_fixtures.py).
@Suite("safetensors files written by PyTorch")
struct SafeTensorsTorchFixtureTests {
  @Test("a model.state_dict() saved by PyTorch loads with its names, shapes and values")
  func stateDict() throws {
    let file = try SafeTensors(contentsOf: stateDictFixture)
    #expect(file.names == ["bn1.bias", "bn1.num_batches_tracked", "bn1.running_mean", "bn1.running_var", "bn1.weight",
                           "conv1.bias", "conv1.weight", "fc.bias", "fc.weight"])
    #expect(file.metadata.isEmpty)
    // Float tensor number t in state_dict order holds element i = (i - 3) / 8 + t.
    let order: [(String, [Int])] = [("conv1.weight", [2, 1, 3, 3]), ("conv1.bias", [2]), ("bn1.weight", [2]), ("bn1.bias", [2]),
                                    ("bn1.running_mean", [2]), ("bn1.running_var", [2]), ("fc.weight", [3, 8]), ("fc.bias", [3])]
    for (t, (name, shape)) in order.enumerated() {
      let tensor = try file.tensor(name, as: Float.self)
      #expect(tensor.shape == shape, "\(name)")
      #expect(tensor.scalars == (0..<shape.reduce(1, *)).map { Float($0 - 3) / 8 + Float(t) }, "\(name)")
      #expect(try file.stored(name).dtype == .f32)
    }
    #expect(try file.stored("bn1.num_batches_tracked").dtype == .i64)
    #expect(try file.stored("bn1.num_batches_tracked").shape == [])
    #expect(try file.integers("bn1.num_batches_tracked") == [7])
  }

  @Test("every dtype written by PyTorch reads back exactly, with metadata")
  func dtypes() throws {
    let file = try SafeTensors(contentsOf: dtypesFixture)
    #expect(file.metadata == ["format": "pt", "note": "i2f fixture"])
    #expect(try file.tensor("f32", as: Float.self) == Tensor(shape: [2, 3], scalars: [0.5, -1.25, 3.0, Float(1e-3), -0.0, 65504]))
    #expect(try file.tensor("f64") == Tensor(shape: [4], scalars: [0.1, -2.5, 1e300, -1e-300]))
    #expect(try file.integers("i64") == [0, -1, 1 << 40, -(1 << 62)])
    #expect(try file.integers("i32") == [7, -7, Int(Int32.max), Int(Int32.min)])
    #expect(try file.stored("i32").shape == [2, 2])
    #expect(try file.bytes("u8") == [0, 1, 128, 255, 42])
    #expect(try file.tensor("empty", as: Float.self).shape == [0, 3])
  }

  @Test("re-writing a PyTorch file keeps every tensor and the metadata", arguments: [stateDictFixture, dtypesFixture])
  func rewrite(url: URL) throws {
    let original = try SafeTensors(contentsOf: url)
    let directory = try IOTestSupport.scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent(url.lastPathComponent)
    try original.write(to: copy)
    let reread = try SafeTensors(contentsOf: copy)
    #expect(reread.tensors == original.tensors)
    #expect(reread.metadata == original.metadata)
  }
}
