import Autodiff
import Foundation

/// A change δ to the shared gradient: noise, a defence, a chosen direction, or a file.
/// The perturbed gradient the attacker sees is `g0 + δ`. Units are named in every description:
/// σ and b are per-entry standard deviation and scale, not variances.
public enum Perturbation: Sendable, Hashable, CustomStringConvertible {
  /// No perturbation (δ = 0).
  case none
  /// Gaussian noise N(0, σ²) on every entry.
  case gaussian(sigma: Double)
  /// Laplace noise with scale b (variance 2b²) on every entry.
  case laplace(scale: Double)
  /// Gradient pruning: the fraction p of smallest-magnitude entries set to zero (δ = pruned − g0).
  case prune(fraction: Double)
  /// DP-SGD style: g0 clipped to norm C, plus N(0, (z·C)²) (δ is the difference from g0).
  case differentialPrivacy(clip: Double, multiplier: Double)
  /// δ = c·v_k, the k-th right singular vector of J from the top or bottom of the spectrum
  /// (1-based), with c given separately.
  case direction(SpectralEnd, Int)
  /// δ read from a safetensors file holding one tensor per parameter name.
  case file(String)

  /// Parses `none`, `gaussian:SIGMA`, `laplace:B`, `prune:FRACTION`, `dp:CLIP:MULT`,
  /// `direction:top:K`, `direction:bottom:K` or `file:PATH`.
  public init(parsing text: String) throws(AnalysisError) {
    let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    func number(_ s: String, _ what: String, _ valid: (Double) -> Bool) throws(AnalysisError) -> Double {
      guard let v = Double(s), v.isFinite, valid(v) else {
        throw .invalidPerturbation("perturbation '\(text)': \(what) must be \(what == "fraction" ? "in [0, 1]" : "a number ≥ 0"), got '\(s)'")
      }
      return v
    }
    switch (parts[0].lowercased(), parts.count) {
    case ("none", 1): self = .none
    case ("gaussian", 2): self = .gaussian(sigma: try number(parts[1], "sigma") { $0 >= 0 })
    case ("laplace", 2): self = .laplace(scale: try number(parts[1], "scale") { $0 >= 0 })
    case ("prune", 2): self = .prune(fraction: try number(parts[1], "fraction") { $0 >= 0 && $0 <= 1 })
    case ("dp", 3):
      self = .differentialPrivacy(clip: try number(parts[1], "clip") { $0 > 0 }, multiplier: try number(parts[2], "multiplier") { $0 >= 0 })
    case ("direction", 3):
      guard let end = SpectralEnd(rawValue: parts[1].lowercased()), let k = Int(parts[2]), k >= 1 else {
        throw .invalidPerturbation("perturbation '\(text)': expected direction:top:K or direction:bottom:K with K ≥ 1")
      }
      self = .direction(end, k)
    case ("file", 2): self = .file(parts[1])
    default:
      throw .invalidPerturbation(
        "unknown perturbation '\(text)' (use none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top:K, direction:bottom:K or file:PATH)")
    }
  }

  public var description: String {
    switch self {
    case .none: "none"
    case .gaussian(let s): "gaussian:\(Self.format(s))"
    case .laplace(let b): "laplace:\(Self.format(b))"
    case .prune(let p): "prune:\(Self.format(p))"
    case .differentialPrivacy(let c, let z): "dp:\(Self.format(c)):\(Self.format(z))"
    case .direction(let end, let k): "direction:\(end):\(k)"
    case .file(let path): "file:\(path)"
    }
  }

  /// A human label with units, for tables and the explorer.
  public var label: String {
    switch self {
    case .none: "no perturbation"
    case .gaussian(let s): "Gaussian noise, σ = \(Self.format(s)) per entry"
    case .laplace(let b): "Laplace noise, b = \(Self.format(b)) per entry"
    case .prune(let p): "pruning \(Self.format(p * 100))% of entries"
    case .differentialPrivacy(let c, let z): "DP-SGD, clip C = \(Self.format(c)), noise multiplier z = \(Self.format(z))"
    case .direction(let end, let k): "singular direction \(k) from the \(end)"
    case .file(let path): "δ from \(path)"
    }
  }

  /// The Gaussian σ when this is Gaussian noise (the expected-RMSE formula applies only then).
  public var gaussianSigma: Double? {
    if case .gaussian(let s) = self { return s }
    return nil
  }

  /// `x` as short as it can be written and still read back exactly.
  static func format(_ x: Double) -> String {
    if x == x.rounded() && Swift.abs(x) < 1e6 { return String(Int(x)) }
    let short = String(format: "%g", x)
    return Double(short) == x ? short : "\(x)"
  }

  /// δ for the shared gradient `g0` (flat, θ order). Random kinds draw from `rng`; a singular
  /// direction comes from `direction` (which knows the spectrum); a file is read and matched to
  /// the parameter `layout`.
  public func delta(
    sharedGradient g0: Tensor<Double>, layout: ParameterLayout, rng: inout SeededRandom,
    direction: (SpectralEnd, Int) throws -> Tensor<Double>
  ) throws -> Tensor<Double> {
    let n = g0.count
    switch self {
    case .none:
      return Tensor(zeros: [n])
    case .gaussian(let s):
      return Tensor(shape: [n], scalars: (0..<n).map { _ in s * rng.normal() })
    case .laplace(let b):
      return Tensor(shape: [n], scalars: (0..<n).map { _ in rng.laplace(scale: b) })
    case .prune(let p):
      let cut = Int((p * Double(n)).rounded(.down))
      let order = g0.scalars.indices.sorted { Swift.abs(g0.scalars[$0]) < Swift.abs(g0.scalars[$1]) }
      var d = Tensor<Double>(zeros: [n])
      for i in order.prefix(cut) { d.scalars[i] = -g0.scalars[i] }
      return d
    case .differentialPrivacy(let c, let z):
      let scale = Swift.min(1, c / Swift.max(g0.norm(), .leastNormalMagnitude))
      return Tensor(shape: [n], scalars: g0.scalars.map { g in g * scale + z * c * rng.normal() - g })
    case .direction(let end, let k):
      return try direction(end, k)
    case .file(let path):
      return try PerturbationFile.read(path, layout: layout)
    }
  }
}
