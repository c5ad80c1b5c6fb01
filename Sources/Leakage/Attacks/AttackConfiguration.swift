import Foundation

/// Every knob of a gradient-inversion attack. Presets mirror the public tools; any field can be
/// overridden (see `../shared/docs/attack-presets.md` for where the numbers come from).
public struct AttackConfiguration: Sendable, Codable, Equatable {
  /// How the attacker compares its gradient g(x′) with the shared one g*.
  public enum Objective: String, Sendable, Codable, CaseIterable {
    /// ‖g(x′) − g*‖², summed over all parameters (DLG).
    case squaredDistance = "l2"
    /// 1 − cos(g(x′), g*) over the concatenated gradient (Inverting Gradients).
    case cosine
  }

  public enum Optimizer: String, Sendable, Codable, CaseIterable {
    /// L-BFGS with a strong-Wolfe line search; `learningRate` is the initial step.
    case lbfgs
    case adam
  }

  /// How x′ starts.
  public enum Initialization: Sendable, Codable, Equatable, CustomStringConvertible {
    /// N(0, 1) per pixel.
    case normal
    /// U(0, 1) per pixel.
    case uniform
    case zeros
    /// The true image plus N(0, s²) noise: for local checks of I2F.
    case truthPlusNoise(Double)

    /// Parses `normal`, `uniform`, `zeros` or `truth+noise:S`.
    public init(parsing text: String) throws(AttackError) {
      switch text.lowercased() {
      case "normal", "randn": self = .normal
      case "uniform", "rand": self = .uniform
      case "zeros", "zero": self = .zeros
      default:
        let prefix = "truth+noise:"
        guard text.lowercased().hasPrefix(prefix), let s = Double(text.dropFirst(prefix.count)), s >= 0, s.isFinite else {
          throw .invalidOption("unknown initialisation '\(text)' (use normal, uniform, zeros or truth+noise:S)")
        }
        self = .truthPlusNoise(s)
      }
    }

    public var description: String {
      switch self {
      case .normal: "normal"
      case .uniform: "uniform"
      case .zeros: "zeros"
      case .truthPlusNoise(let s): "truth+noise:\(s)"
      }
    }
  }

  public var preset: String
  public var objective: Objective
  public var optimizer: Optimizer
  public var learningRate: Double
  public var iterations: Int
  /// Weight α of the total-variation prior (0: none).
  public var totalVariation: Double
  /// Adam steps on the sign of the image gradient.
  public var signedGradient: Bool
  /// Pixels projected to [0, 1] after every step.
  public var boxed: Bool
  /// Learning rate ×0.1 at 3/8, 5/8 and 7/8 of the iterations.
  public var stepSchedule: Bool
  /// L-BFGS history size.
  public var history: Int
  /// L-BFGS iterations per step (PyTorch's `max_iter`, with `max_eval` = 1.25× as many
  /// evaluations): the original DLG's 300 "iterations" are 300 calls of `LBFGS.step`, each up to
  /// 20 quasi-Newton iterations. A step also ends when the objective changes by less than 1e-9 of
  /// itself (PyTorch's `tolerance_change`, made relative) or the line search finds no descent.
  public var innerIterations: Int
  /// Independent runs from different starts; the one with the lowest objective wins.
  public var restarts: Int
  public var initialization: Initialization
  public var seed: UInt64

  /// The named presets.
  public static let presets: [AttackConfiguration] = [dlg, ig, l2adam]

  /// DLG (Zhu et al., 2019): squared gradient distance, L-BFGS (lr 1, history 100), x′ ~ N(0, 1).
  /// 300 steps of up to 20 L-BFGS iterations each, as the original code's 300 `LBFGS.step` calls.
  public static let dlg = AttackConfiguration(
    preset: "dlg", objective: .squaredDistance, optimizer: .lbfgs, learningRate: 1, iterations: 300, totalVariation: 0,
    signedGradient: false, boxed: false, stepSchedule: false, history: 100, innerIterations: 20, restarts: 1,
    initialization: .normal, seed: 0)

  /// Inverting Gradients (Geiping et al., 2020): 1 − cosine + α·TV (α = 1e-4), Adam lr 0.1 on the
  /// gradient sign, box [0, 1], ×0.1 steps at 3/8, 5/8, 7/8. 4,800 iterations (the library
  /// default; the paper's CLI uses 24,000).
  public static let ig = AttackConfiguration(
    preset: "ig", objective: .cosine, optimizer: .adam, learningRate: 0.1, iterations: 4800, totalVariation: 1e-4,
    signedGradient: true, boxed: true, stepSchedule: true, history: 100, innerIterations: 1, restarts: 1,
    initialization: .normal, seed: 0)

  /// Plain L2 with Adam, as the I2F paper mostly compares with: squared distance, Adam lr 0.1,
  /// no sign, no box. 2,000 iterations (the paper runs 24,000).
  public static let l2adam = AttackConfiguration(
    preset: "l2adam", objective: .squaredDistance, optimizer: .adam, learningRate: 0.1, iterations: 2000,
    totalVariation: 0, signedGradient: false, boxed: false, stepSchedule: false, history: 100, innerIterations: 1, restarts: 1,
    initialization: .normal, seed: 0)

  /// Where each preset comes from and the paper's own iteration count.
  public static let presetSources: [String: String] = [
    "dlg": "Zhu et al., Deep Leakage from Gradients (NeurIPS 2019), original main.py; 300 L-BFGS steps of up to 20 iterations",
    "ig": "Geiping et al., Inverting Gradients (NeurIPS 2020), inversefed library defaults; paper CLI: 24,000 iterations",
    "l2adam": "Zhang et al., I2F (NeurIPS 2023) demos, inv_goal=l2; paper: 24,000 iterations",
  ]

  /// The preset called `name`.
  public static func preset(named name: String) throws(AttackError) -> AttackConfiguration {
    guard let p = presets.first(where: { $0.preset == name.lowercased() }) else {
      throw .invalidOption("unknown attack preset '\(name)' (choose \(presets.map(\.preset).joined(separator: ", ")))")
    }
    return p
  }

  /// Learning rate at iteration `i` (0-based) of the schedule.
  public func learningRate(at i: Int) -> Double {
    guard stepSchedule else { return learningRate }
    let drops = [3, 5, 7].filter { i >= iterations * $0 / 8 }.count
    return learningRate * pow(0.1, Double(drops))
  }

  /// Checks ranges; the first problem found is thrown.
  public func validated() throws(AttackError) -> AttackConfiguration {
    guard iterations >= 1 else { throw .invalidOption("iterations must be at least 1, got \(iterations)") }
    guard learningRate > 0, learningRate.isFinite else { throw .invalidOption("learning rate must be positive, got \(learningRate)") }
    guard totalVariation >= 0, totalVariation.isFinite else { throw .invalidOption("TV weight must be ≥ 0, got \(totalVariation)") }
    guard restarts >= 1 else { throw .invalidOption("restarts must be at least 1, got \(restarts)") }
    guard history >= 1 else { throw .invalidOption("L-BFGS history must be at least 1, got \(history)") }
    guard innerIterations >= 1 else { throw .invalidOption("L-BFGS iterations per step must be at least 1, got \(innerIterations)") }
    return self
  }
}

/// Problems configuring or running an attack.
public enum AttackError: Error, Equatable, CustomStringConvertible {
  case invalidOption(String)
  case incompatibleState(String)

  public var description: String {
    switch self {
    case .invalidOption(let s): s
    case .incompatibleState(let s): s
    }
  }
}
