/// A pane's identity, fixed for its lifetime. Panes are addressed by it everywhere — the state,
/// the effects, the events, the engine and the attack runners — so closing a pane never
/// redirects another pane's work (positions shift; identities do not).
public struct PaneID: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The number behind the identity (pane identities are never reused within a session).
  public let value: Int

  public init(_ value: Int) { self.value = value }

  public static func < (a: PaneID, b: PaneID) -> Bool { a.value < b.value }

  public var description: String { "pane#\(value)" }
}
