import Foundation
import Leakage

/// The perturbation as the explorer adjusts it: a kind and one slider per kind (σ, b and the DP
/// noise multiplier on a log scale, the pruning fraction, the singular direction's index and end),
/// plus the DP clip and the δ file exactly as the user gave them.
///
/// Values given on the command line are kept exactly (σ = 0 stays 0, a clip stays the clip) until
/// the user moves the slider; moving snaps to quarter decades.
public struct PerturbationControl: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, CaseIterable, Codable {
    case none, gaussian, laplace, prune, dp, direction, file

    public var title: String {
      switch self {
      case .none: "none"
      case .gaussian: "Gaussian noise"
      case .laplace: "Laplace noise"
      case .prune: "gradient pruning"
      case .dp: "DP-SGD (clip + noise)"
      case .direction: "singular direction of J"
      case .file: "δ from a file"
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
      case .file: "δ file"
      }
    }
  }

  public var kind: Kind = .gaussian
  /// σ of Gaussian noise, per entry.
  public var sigma = 1e-3
  /// b of Laplace noise, per entry.
  public var scale = 1e-3
  public var pruneFraction = 0.5
  /// z, the DP noise multiplier.
  public var multiplier = 1e-2
  /// C, the DP clip norm as given; nil: half of each pane's ‖g0‖.
  public var clip: Double?
  public var directionEnd: SpectralEnd = .bottom
  public var directionIndex = 1
  /// The δ file given with `--perturbation` (offered by the picker only when set).
  public var file: String?

  public init() {}

  /// The control showing `p` exactly.
  public init(_ p: Perturbation) {
    switch p {
    case .none: kind = .none
    case .gaussian(let s): kind = .gaussian; sigma = s
    case .laplace(let b): kind = .laplace; scale = b
    case .prune(let f): kind = .prune; pruneFraction = f
    case .differentialPrivacy(let c, let z): kind = .dp; clip = c; multiplier = z
    case .direction(let end, let k): kind = .direction; directionEnd = end; directionIndex = k
    case .file(let path): kind = .file; file = path
    }
  }

  /// The kinds the picker offers: every slider kind, and the file when one was given.
  public var availableKinds: [Kind] { Kind.allCases.filter { $0 != .file || file != nil } }

  /// One line per kind for the picker.
  public func summary(of kind: Kind) -> String {
    switch kind {
    case .none: "the attacker sees g0 exactly"
    case .gaussian: "δ ~ N(0, σ²) per entry; σ on a log scale"
    case .laplace: "δ ~ Laplace(0, b) per entry; b on a log scale"
    case .prune: "zero the smallest fraction p of |g0|"
    case .dp: "clip g0 to C = \(clip.map(Self.scientific) ?? "‖g0‖/2"), add N(0, (zC)²); z on a log scale"
    case .direction: "δ = c·v_k, k-th right singular vector (top or bottom)"
    case .file: file.map { "δ read from \($0)" } ?? "no file given (--perturbation FILE)"
    }
  }

  /// The perturbation for a pane whose shared gradient has norm `gradientNorm` (the DP clip
  /// defaults to half of it).
  public func perturbation(gradientNorm: Double) -> Perturbation {
    switch kind {
    case .none: .none
    case .gaussian: .gaussian(sigma: sigma)
    case .laplace: .laplace(scale: scale)
    case .prune: .prune(fraction: pruneFraction)
    case .dp: .differentialPrivacy(clip: clip ?? Swift.max(gradientNorm / 2, 1e-12), multiplier: multiplier)
    case .direction: .direction(directionEnd, directionIndex)
    case .file: file.map { .file($0) } ?? .none
    }
  }

  /// Whether the current kind has a slider.
  public var hasSlider: Bool { kind != .none && kind != .file }

  /// Moves the slider of the current kind by `steps` notches (quarter decades on log sliders).
  public mutating func adjust(by steps: Int, maxDirection: Int) {
    switch kind {
    case .none, .file: break
    case .gaussian: sigma = Self.logStep(sigma, steps, 1e-8, 10)
    case .laplace: scale = Self.logStep(scale, steps, 1e-8, 10)
    case .prune: pruneFraction = Swift.min(Swift.max((pruneFraction * 20 + Double(steps)).rounded() / 20, 0), 1)
    case .dp: multiplier = Self.logStep(multiplier, steps, 1e-6, 100)
    case .direction: directionIndex = Swift.min(Swift.max(1, directionIndex + steps), Swift.max(1, maxDirection))
    }
  }

  /// The slider's value with its unit, for the title bar.
  public var valueLabel: String {
    switch kind {
    case .none: "—"
    case .gaussian: "σ = \(Self.scientific(sigma))"
    case .laplace: "b = \(Self.scientific(scale))"
    case .prune: "p = \(Int((pruneFraction * 100).rounded()))%"
    case .dp: "z = \(Self.scientific(multiplier)), C = \(clip.map(Self.scientific) ?? "‖g0‖/2 (default)")"
    case .direction: "k = \(directionIndex) from the \(directionEnd)"
    case .file: file.map { ($0 as NSString).lastPathComponent } ?? "—"
    }
  }

  /// `x` moved `steps` quarter decades to the next notches in that direction, within [lo, hi];
  /// 0 moves up to `lo` and stays 0 going down.
  static func logStep(_ x: Double, _ steps: Int, _ lo: Double, _ hi: Double) -> Double {
    guard steps != 0 else { return x }
    guard x > 0 else { return steps > 0 ? lo : x }
    let quarters = Foundation.log10(x) * 4
    let notch = steps > 0 ? (quarters + 1e-9).rounded(.down) + Double(steps) : (quarters - 1e-9).rounded(.up) + Double(steps)
    return Swift.min(Swift.max(Foundation.pow(10, notch / 4), lo), hi)
  }

  static func scientific(_ x: Double) -> String { NumberFormat.scientific(x, significantDigits: 2) }
}
