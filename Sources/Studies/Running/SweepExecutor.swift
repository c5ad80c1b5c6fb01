import Leakage

/// Computes the numbers of one run: the seam between the sweep machinery and the pipeline that
/// builds the scenario, analyses it and attacks it.
///
/// `numbers(for:)` returns snake_case keys (matching `i2f bound --json` and `i2f attack --json`)
/// and JSON values; it throws for a run that cannot be done (the sweep records the error as the
/// run's row and goes on). It is called from several threads at once, so it must be thread-safe.
public protocol SweepExecutor: Sendable {
  /// The numbers of one run.
  func numbers(for point: SweepPoint) throws -> [(String, JSONValue)]

  /// Whether a run is small enough to run alongside others with single-threaded kernels, or
  /// large enough to want every core for its kernels. The default is ``SweepWorkload/small``.
  func workload(of point: SweepPoint) -> SweepWorkload

  /// Runs of one group share expensive work that the executor keeps for the next run of the
  /// group (the scenario executor: the spectrum); nil for a run that shares nothing. The runner
  /// gives runs side by side different groups, so they compute different things at once.
  func group(of point: SweepPoint) -> AnyHashable?
}

extension SweepExecutor {
  public func workload(of point: SweepPoint) -> SweepWorkload { .small }
  public func group(of point: SweepPoint) -> AnyHashable? { nil }
}

/// How a run uses the cores (see ``SweepRunner``).
public enum SweepWorkload: Sendable, Equatable {
  /// Runs side by side, `--jobs` at a time, each with single-threaded kernels.
  case small
  /// Runs alone, with the kernels spread over every core.
  case large
}

/// An executor from a closure, for tests and for plugging in a pipeline function directly.
public struct ClosureExecutor: SweepExecutor {
  let body: @Sendable (SweepPoint) throws -> [(String, JSONValue)]
  let size: @Sendable (SweepPoint) -> SweepWorkload

  public init(workload: @escaping @Sendable (SweepPoint) -> SweepWorkload = { _ in .small },
              _ body: @escaping @Sendable (SweepPoint) throws -> [(String, JSONValue)]) {
    self.body = body
    size = workload
  }

  public func numbers(for point: SweepPoint) throws -> [(String, JSONValue)] { try body(point) }
  public func workload(of point: SweepPoint) -> SweepWorkload { size(point) }
}
