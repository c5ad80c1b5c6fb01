/// A short message for the status bar ("saved view to …", "needs a running attack").
public struct StatusMessage: Hashable, Sendable {
  public enum Severity: Hashable, Sendable {
    case info, success, warning, error
  }

  public var text: String
  public var severity: Severity
  /// When the message should disappear; `nil` keeps it until replaced.
  public var expires: ContinuousClock.Instant?

  public init(_ text: String, severity: Severity = .info, expires: ContinuousClock.Instant? = nil) {
    self.text = text
    self.severity = severity
    self.expires = expires
  }

  /// A message that fades after `duration` (3 s, the usual) counted from `now`.
  public static func transient(
    _ text: String, severity: Severity = .info, now: ContinuousClock.Instant, duration: Duration = .seconds(3)
  ) -> StatusMessage {
    StatusMessage(text, severity: severity, expires: now.advanced(by: duration))
  }

  /// True once the message should no longer be shown.
  public func isExpired(at now: ContinuousClock.Instant) -> Bool { expires.map { now >= $0 } ?? false }
}
