/// What one `SweepRunner.run` did.
public struct SweepSummary: Sendable, Equatable {
  /// Points given (this shard's).
  public var planned: Int
  /// Points skipped because the result file already had them.
  public var skipped: Int
  /// Rows written this time (failed ones included).
  public var written = 0
  /// Rows written with an `error`.
  public var failed = 0
  /// Runs in flight when a signal came (their rows were not written).
  public var abandoned = 0
  /// Runs never started because of a signal.
  public var notStarted = 0
  /// Wall time of the run, seconds.
  public var seconds = 0.0
  /// The signal that stopped the sweep, if one did.
  public var interruptedBy: Int32?

  public init(planned: Int, skipped: Int) {
    self.planned = planned
    self.skipped = skipped
  }

  /// Rows written per minute of wall time.
  public var rowsPerMinute: Double { seconds > 0 ? Double(written) / seconds * 60 : 0 }

  /// The exit status a command should end with: 0, or 128 + the signal (130 for SIGINT, 143 for SIGTERM).
  public var exitStatus: Int32 { interruptedBy.map { 128 + $0 } ?? 0 }

  /// One line for the end of a sweep.
  public var description: String {
    let rate = "\(SweepProgress.formatRate(rowsPerMinute)) rows/min over \(SweepProgress.formatDuration(seconds))"
    let rows = "\(written) row\(written == 1 ? "" : "s") written (\(failed) failed), \(skipped) skipped (already in the file)"
    guard let signal = interruptedBy else { return "sweep done: \(rows); \(rate)" }
    let name = signal == 2 ? "SIGINT" : signal == 15 ? "SIGTERM" : "signal \(signal)"
    return "sweep interrupted by \(name): \(rows), \(abandoned) in flight abandoned, \(notStarted) not started; \(rate). "
      + "Run the same command again to continue."
  }
}
