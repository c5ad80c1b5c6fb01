/// Where a key binding applies: `global`, a screen or pane, an overlay. Scopes are resolved in the
/// order the caller lists them (most specific first), so an overlay can shadow a global key.
public struct KeyScope: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  /// The heading the help overlay shows for this scope.
  public var name: String

  public init(_ name: String) { self.name = name }
  public init(stringLiteral value: String) { self.name = value }

  public static let global = KeyScope("Global")

  public var description: String { name }
}

/// One row of the keymap: the keys, what they do, and how to explain it. Dispatch, the help
/// overlay and status-bar hints all read the same rows (lazygit's keybindings-as-data).
public struct KeyBinding<Action: Hashable & Sendable>: Sendable {
  public var keys: [Key]
  public var action: Action
  /// One line for the help overlay: "Run or pause the attack".
  public var description: String
  public var scope: KeyScope
  /// Set when the action cannot be taken now; dispatch then reports the reason instead of acting.
  public var disabledReason: String?
  /// A one- or two-word label for the status bar ("run"); `nil` keeps the binding out of hints.
  public var hint: String?
  /// How to write the keys when listing each would be noisy ("1…9"); `nil` lists them.
  public var keyLabel: String?

  public init(
    _ keys: [Key], _ action: Action, _ description: String, scope: KeyScope = .global,
    hint: String? = nil, keyLabel: String? = nil, disabledReason: String? = nil
  ) {
    self.keys = keys
    self.action = action
    self.description = description
    self.scope = scope
    self.hint = hint
    self.keyLabel = keyLabel
    self.disabledReason = disabledReason
  }

  /// The keys as help shows them: `?/F1`, `j/↓`.
  public func keysLabel(glyphs: GlyphSet = .unicode) -> String {
    keyLabel ?? keys.map { $0.displayName(glyphs: glyphs) }.joined(separator: "/")
  }
}
