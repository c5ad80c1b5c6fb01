import RealModule

/// A reproducible random generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same stream on every machine and build, so every experiment in i2f
/// can be repeated from its seed. Distributions:
/// - `uniform()`: 53 random bits scaled to [0, 1).
/// - `normal()`: Box–Muller on two uniforms, both outputs used in turn.
/// - `laplace(scale:)`: inverse CDF of one uniform.
public struct SeededRandom: RandomNumberGenerator, Sendable, Codable, Equatable {
  private var s0, s1, s2, s3: UInt64
  private var spareNormal: Double?

  /// A generator whose whole stream is determined by `seed`.
  public init(seed: UInt64) {
    var z = seed
    func splitMix() -> UInt64 {
      z &+= 0x9E37_79B9_7F4A_7C15
      var x = z
      x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
      x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
      return x ^ (x >> 31)
    }
    s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// Uniform in [0, 1).
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

  /// Standard normal N(0, 1).
  public mutating func normal() -> Double {
    if let z = spareNormal {
      spareNormal = nil
      return z
    }
    var u1 = uniform()
    while u1 == 0 { u1 = uniform() }
    let u2 = uniform()
    let r = (-2 * Double.log(u1)).squareRoot()
    spareNormal = r * Double.sin(2 * .pi * u2)
    return r * Double.cos(2 * .pi * u2)
  }

  /// Laplace with location 0 and scale `b` (variance 2b²).
  public mutating func laplace(scale b: Double) -> Double {
    var u = uniform() - 0.5
    while u == -0.5 { u = uniform() - 0.5 }
    return -b * (u < 0 ? -1 : 1) * Double.log(1 - 2 * Swift.abs(u))
  }

  /// A new generator derived from this one, for a named sub-stream (e.g. one per layer).
  public mutating func split() -> SeededRandom { SeededRandom(seed: next()) }
}

extension Tensor {
  /// Elements drawn independently from U(low, high).
  public static func uniform(_ shape: [Int], low: Scalar = 0, high: Scalar = 1, using rng: inout SeededRandom) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in
      Scalar(rng.uniform(Double(low), Double(high)))
    })
  }

  /// Elements drawn independently from N(mean, std²).
  public static func normal(_ shape: [Int], mean: Scalar = 0, std: Scalar = 1, using rng: inout SeededRandom) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in
      Scalar(Double(mean) + Double(std) * rng.normal())
    })
  }

  /// Elements drawn independently from Laplace(0, b).
  public static func laplace(_ shape: [Int], scale b: Scalar, using rng: inout SeededRandom) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in Scalar(rng.laplace(scale: Double(b))) })
  }
}
