import Foundation
import Leakage

/// Made-up but plausible numbers derived from each point's id, for exercising the sweep machinery
/// (resume, kills, shards, reports) without the cost of real runs: `i2f sweep --executor
/// synthetic:sleep=0.01,fail=7,nan=11` (a hidden, test-only option).
///
/// `predicted_rmse` spans 10⁻⁴…10⁻¹ and depends on the initialisation; the achieved `rmse` (only
/// for attacks other than `none`) is it times a log-normal factor, so the two correlate strongly
/// but not perfectly. `fail=K` makes about one run in K throw, `nan=K` about one in K return NaN.
public struct SyntheticExecutor: SweepExecutor {
  /// Seconds each run sleeps (to stand in for real work).
  public var sleep: Double = 0
  /// About one run in `failEvery` throws.
  public var failEvery: Int?
  /// About one run in `nanEvery` returns a NaN `rmse`.
  public var nanEvery: Int?

  public init(sleep: Double = 0, failEvery: Int? = nil, nanEvery: Int? = nil) {
    self.sleep = sleep
    self.failEvery = failEvery
    self.nanEvery = nanEvery
  }

  /// `synthetic` or `synthetic:sleep=S,fail=K,nan=K`.
  public init(parsing text: String) throws(SweepPlanError) {
    func invalid(_ problem: String) -> SweepPlanError { .invalidValue(field: "--executor", value: text, problem: problem) }
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.first == "synthetic" else { throw invalid("unknown executor (only synthetic:… can be chosen; the default runs the real pipeline)") }
    guard parts.count == 2 else { return }
    for option in parts[1].split(separator: ",") {
      let kv = option.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2, let value = Double(kv[1]), value >= 0 else { throw invalid("expected sleep=S, fail=K or nan=K, got '\(option)'") }
      switch kv[0] {
      case "sleep": sleep = value
      case "fail": failEvery = max(1, Int(value))
      case "nan": nanEvery = max(1, Int(value))
      default: throw invalid("unknown option '\(kv[0])' (sleep, fail, nan)")
      }
    }
  }

  /// Thrown by runs chosen to fail.
  public struct Failure: Error, CustomStringConvertible {
    public let id: String
    public var description: String { "synthetic failure of run \(id)" }
  }

  public func numbers(for point: SweepPoint) throws -> [(String, JSONValue)] {
    if sleep > 0 { Thread.sleep(forTimeInterval: sleep) }
    var state = UInt64(point.id, radix: 16) ?? 0
    let hash = state
    func uniform() -> Double {
      // SplitMix64.
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    if let k = failEvery, hash % UInt64(k) == 0 { throw Failure(id: point.id) }
    let factors: [String: Double] = ["uniform": 1, "normal": 0.3, "xavier": 0.1, "kaiming": 0.2, "trained": 3]
    let initFactor = factors[point.initialization] ?? 1
    let predicted = initFactor * pow(10, -4 + 3 * uniform())
    let normal = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
    let dx = 64
    var numbers: [(String, JSONValue)] = [
      ("label", .integer(Int(point.sample.split(separator: ":").last.flatMap { Int($0) } ?? 0) % 10)),
      ("predicted_rmse", .number(predicted)), ("expected_rmse", .number(predicted * 1.2)),
      ("i2f_norm", .number(predicted * Double(dx).squareRoot())), ("i2f_lb", .number(0.3 * predicted * Double(dx).squareRoot())),
      ("lambda_max", .number(0.05 / initFactor)), ("lambda_min", .number(5e-5 / initFactor)), ("rank", .integer(dx)), ("dx", .integer(dx)),
      ("top_singular_values", .array([0.22, 0.15, 0.11].map { .number($0 / initFactor.squareRoot()) })),
      ("bottom_singular_values", .array([0.012, 0.009, 0.007].map { .number($0 / initFactor.squareRoot()) })),
    ]
    if point.attack != "none" {
      let nan = nanEvery.map { (hash >> 7) % UInt64($0) == 0 } ?? false
      numbers.append(("rmse", .number(nan ? .nan : predicted * exp(0.25 * normal))))
      numbers.append(("label_correct", .bool(true)))
    }
    return numbers
  }
}
