import Foundation
import Testing

@testable import Autodiff

@Suite("Vector exponential and sigmoid (Float)")
struct VectorExponentialTests {
  @Test func exponentialIsWithinThreeTenMillionthsOfDouble() {
    var worst = 0.0
    for i in 0..<20_000 {
      let base = Float(-87.3) + Float(i) * Float(175.6 / 20_000)
      let x = SIMD8<Float>((0..<8).map { base + Float($0) * 1e-3 })
      let y = VectorExponential.exp(x)
      for lane in 0..<8 {
        let exact = Foundation.exp(Double(x[lane]))
        worst = max(worst, abs(Double(y[lane]) - exact) / exact)
      }
    }
    #expect(worst < 3e-7, "worst relative error \(worst)")
  }

  /// Every value, at every position of a tensor (tails included), within 4e-7 of the sigmoid in
  /// Double; the extremes saturate to 0 and 1, and NaN stays NaN.
  @Test(arguments: [1, 7, 8, 13, 1000]) func sigmoidOfAFloatTensorMatchesDouble(_ count: Int) {
    var rng = SeededRandom(seed: UInt64(count))
    var values = (0..<count).map { _ in Float(rng.normal() * 8) }
    values[0] = count > 1 ? -1e4 : values[0]
    if count > 2 { values[1] = 1e4 }
    let y = Tensor(shape: [count], scalars: values).map(.sigmoid)
    for (v, s) in zip(values, y.scalars) {
      let exact = 1 / (1 + Foundation.exp(-Double(v)))
      #expect(abs(Double(s) - exact) <= 4e-7 * exact + 1e-38, "sigmoid(\(v)) = \(s), exact \(exact)")
    }
    let nan = Tensor<Float>(shape: [9], scalars: [0, 1, 2, .nan, 4, 5, 6, 7, .nan]).map(.sigmoid).scalars
    #expect(nan[3].isNaN && nan[8].isNaN && nan[0] == 0.5)
  }
}
