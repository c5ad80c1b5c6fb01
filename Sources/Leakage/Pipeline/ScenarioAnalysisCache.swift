import Foundation

/// Analyses shared by scenario runs that differ only in what the evaluation uses (the
/// perturbation's level and draw): a sweep over noise levels or attacks computes each spectrum
/// once instead of once per run.
///
/// Thread-safe. Runs asking for an analysis that is being computed wait for it instead of
/// computing it again. The `capacity` most recently used analyses are kept (a dense 3×32×32
/// spectrum holds a few hundred megabytes).
public final class ScenarioAnalysisCache: @unchecked Sendable {
  /// One analysis, computed at most once (its lock is held while it is computed).
  private final class Slot: @unchecked Sendable {
    let lock = NSLock()
    var analysis: Analysis?
  }

  public let capacity: Int
  private let lock = NSLock()
  /// Guarded by `lock`, with `order` (least recently used first).
  private var slots: [Scenario: Slot] = [:]
  private var order: [Scenario] = []
  private var computedCount = 0

  public init(capacity: Int = 2) {
    self.capacity = max(1, capacity)
  }

  /// What a run's analysis depends on: ``Scenario/analysisKey``, plus the ridge and whether the
  /// noise is Gaussian (the matrix-free path estimates the trace of the ridge inverse only then).
  public static func key(_ scenario: Scenario) -> Scenario {
    var key = scenario.analysisKey
    key.ridge = scenario.ridge
    key.perturbation = scenario.perturbation.gaussianSigma == nil ? .none : .gaussian(sigma: 1)
    return key
  }

  /// The analysis for `scenario`: the kept one for its ``key(_:)``, or `compute()`'s (kept if it
  /// succeeds; an error is rethrown and the next run tries again).
  public func analysis(for scenario: Scenario, compute: () throws -> Analysis) throws -> Analysis {
    let key = Self.key(scenario)
    let slot = lock.withLock {
      let slot = slots[key] ?? Slot()
      slots[key] = slot
      order.removeAll { $0 == key }
      order.append(key)
      while order.count > capacity { slots[order.removeFirst()] = nil }
      return slot
    }
    slot.lock.lock()
    defer { slot.lock.unlock() }
    if let analysis = slot.analysis { return analysis }
    let analysis = try compute()
    slot.analysis = analysis
    lock.withLock { computedCount += 1 }
    return analysis
  }

  /// How many analyses were computed (not found kept) so far.
  public var computed: Int { lock.withLock { computedCount } }
}
