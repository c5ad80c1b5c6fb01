import Autodiff
import Foundation
import Leakage

/// The deterministic values of `Scripts/make_reference_fixtures.py`, reproduced exactly:
/// `((i·2654435761 + seed·97) mod 2³² / 2³² − 0.5)·scale + shift`.
enum ReferenceFormula {
  static func values(seed: Int, count: Int, scale: Double = 1, shift: Double = 0) -> [Double] {
    (0..<count).map { (i: Int) -> Double in
      let bits: Int = (i &* 2_654_435_761 &+ seed &* 97) % 4_294_967_296
      let unit: Double = Double(bits) / 4_294_967_296
      return (unit - 0.5) * scale + shift
    }
  }

  static func tensor(seed: Int, shape: [Int], scale: Double = 1, shift: Double = 0) -> Tensor<Double> {
    Tensor(shape: shape, scalars: values(seed: seed, count: shape.elementCount, scale: scale, shift: shift))
  }

  /// The fixture file next to the tests.
  static func fixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures").appendingPathComponent(name)
  }
}
