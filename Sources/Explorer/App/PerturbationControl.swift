import Foundation
import Leakage

/// The perturbation as the explorer adjusts it: a kind and one slider per kind (σ and b on a log
/// scale, the pruning fraction, the DP noise multiplier, the singular direction's index and end).
public struct PerturbationControl: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, CaseIterable, Codable {
    case none, gaussian, laplace, prune, dp, direction

    public var title: String {
      switch self {
      case .none: "none"
      case .gaussian: "Gaussian noise"
      case .laplace: "Laplace noise"
      case .prune: "gradient pruning"
      case .dp: "DP-SGD (clip + noise)"
      case .direction: "singular direction of J"
      }
    }

    /// A word for the title bar.
    public var shortTitle: String {
      switch self {
      case .none: "no perturbation"
      case .gaussian: "Gaussian"
      case .laplace: "Laplace"
      case .prune: "pruning"
      case .dp: "DP-SGD"
      case .direction: "direction"
      }
    }

    public var summary: String {
      switch self {
      case .none: "the attacker sees g0 exactly"
      case .gaussian: "δ ~ N(0, σ²) per entry; σ on a log scale"
      case .laplace: "δ ~ Laplace(0, b) per entry; b on a log scale"
      case .prune: "zero the smallest fraction p of |g0|"
      case .dp: "clip g0 to C = ‖g0‖/2, add N(0, (zC)²); z on a log scale"
      case .direction: "δ = c·v_k, k-th right singular vector (top or bottom)"
      }
    }
  }

  public var kind: Kind = .gaussian
  /// log10 σ of Gaussian noise.
  public var logSigma = -3.0
  /// log10 b of Laplace noise.
  public var logScale = -3.0
  public var pruneFraction = 0.5
  /// log10 z of the DP noise multiplier (the clip norm is half of ‖g0‖).
  public var logMultiplier = -2.0
  public var directionEnd: SpectralEnd = .bottom
  public var directionIndex = 1

  public init() {}

  /// The control matching a perturbation (files and exotic values map to the nearest slider).
  public init(_ p: Perturbation) {
    switch p {
    case .none: kind = .none
    case .gaussian(let s): kind = .gaussian; logSigma = Self.log10(s)
    case .laplace(let b): kind = .laplace; logScale = Self.log10(b)
    case .prune(let f): kind = .prune; pruneFraction = f
    case .differentialPrivacy(_, let z): kind = .dp; logMultiplier = Self.log10(z)
    case .direction(let end, let k): kind = .direction; directionEnd = end; directionIndex = k
    case .file: kind = .none
    }
  }

  /// The perturbation for a shared gradient of norm `gradientNorm` (DP clips at half of it).
  public func perturbation(gradientNorm: Double) -> Perturbation {
    switch kind {
    case .none: .none
    case .gaussian: .gaussian(sigma: Self.pow10(logSigma))
    case .laplace: .laplace(scale: Self.pow10(logScale))
    case .prune: .prune(fraction: pruneFraction)
    case .dp: .differentialPrivacy(clip: Swift.max(gradientNorm / 2, 1e-12), multiplier: Self.pow10(logMultiplier))
    case .direction: .direction(directionEnd, directionIndex)
    }
  }

  /// Moves the slider of the current kind by `steps` notches (quarter decades on log sliders).
  public mutating func adjust(by steps: Int, maxDirection: Int) {
    let d = Double(steps)
    switch kind {
    case .none: break
    case .gaussian: logSigma = Self.clamp(logSigma + 0.25 * d, -8, 1)
    case .laplace: logScale = Self.clamp(logScale + 0.25 * d, -8, 1)
    case .prune: pruneFraction = Self.clamp((pruneFraction * 20 + d).rounded() / 20, 0, 1)
    case .dp: logMultiplier = Self.clamp(logMultiplier + 0.25 * d, -6, 2)
    case .direction: directionIndex = Swift.min(Swift.max(1, directionIndex + steps), Swift.max(1, maxDirection))
    }
  }

  /// The slider's value with its unit, for the status line and the numbers panel.
  public var valueLabel: String {
    switch kind {
    case .none: "—"
    case .gaussian: "σ = \(Self.scientific(Self.pow10(logSigma)))"
    case .laplace: "b = \(Self.scientific(Self.pow10(logScale)))"
    case .prune: "p = \(Int((pruneFraction * 100).rounded()))%"
    case .dp: "z = \(Self.scientific(Self.pow10(logMultiplier))), C = ‖g0‖/2"
    case .direction: "k = \(directionIndex) from the \(directionEnd)"
    }
  }

  static func pow10(_ x: Double) -> Double { Foundation.pow(10, x) }
  static func log10(_ x: Double) -> Double { x > 0 ? Foundation.log10(x) : -8 }
  static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(x, lo), hi) }
  static func scientific(_ x: Double) -> String { NumberFormat.scientific(x, significantDigits: 2) }
}
