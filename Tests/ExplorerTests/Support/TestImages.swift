@testable import Explorer

/// Small deterministic images for heatmap tests.
enum TestImages {
  /// 8×8, a diagonal ramp from 0 (top left) to 1 (bottom right) with a bright 2×2 square.
  static let grayRamp: HeatmapImage = {
    var v = [Double]()
    for y in 0..<8 {
      for x in 0..<8 { v.append((2...3).contains(x) && (2...3).contains(y) ? 1 : Double(x + y) / 14) }
    }
    return try! HeatmapImage(channels: 1, height: 8, width: 8, values: v)
  }()

  /// 3×6×6 RGB: red grows to the right, green downwards, blue constant.
  static let rgb: HeatmapImage = {
    var v = [Double]()
    for c in 0..<3 {
      for y in 0..<6 {
        for x in 0..<6 { v.append(c == 0 ? Double(x) / 5 : c == 1 ? Double(y) / 5 : 0.5) }
      }
    }
    return try! HeatmapImage(channels: 3, height: 6, width: 6, values: v)
  }()

  /// 8×8 signed error: a saddle (x−3.5)(y−3.5) scaled to ±1, with an exactly zero first row.
  static let signedError: HeatmapImage = {
    var v = [Double]()
    for y in 0..<8 {
      for x in 0..<8 { v.append(y == 0 ? 0 : (Double(x) - 3.5) * (Double(y) - 3.5) / 12.25) }
    }
    return try! HeatmapImage(channels: 1, height: 8, width: 8, values: v)
  }()
}

/// A seeded linear congruential generator (rand48 constants) for reproducible samples.
struct RepeatableRandom: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state = (state &* 0x5_DEEC_E66D &+ 0xB) & ((1 << 48) - 1)
    let high = state >> 16
    state = (state &* 0x5_DEEC_E66D &+ 0xB) & ((1 << 48) - 1)
    return high << 32 | (state >> 16)
  }
}
