/// The outcome of looking a key up in a keymap.
public enum KeyResolution<Action: Hashable & Sendable>: Hashable, Sendable {
  case action(Action)
  /// The key is bound but the action is unavailable; tell the user why.
  case disabled(Action, reason: String)
  case unbound
}

/// A short "key label" pair for the status bar.
public struct KeyHint: Hashable, Sendable {
  public var keys: String
  public var label: String

  public init(keys: String, label: String) {
    self.keys = keys
    self.label = label
  }
}

/// The table of key bindings of an app. Build it from the model each frame (so disabled reasons
/// are current) and use it for dispatch, help and hints alike.
public struct Keymap<Action: Hashable & Sendable>: Sendable {
  public var bindings: [KeyBinding<Action>]

  public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

  /// The binding for `key` in the first of `scopes` that binds it.
  public func binding(for key: Key, scopes: [KeyScope]) -> KeyBinding<Action>? {
    for scope in scopes {
      if let b = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) }) { return b }
    }
    return nil
  }

  /// What `key` does given the active scopes, most specific first.
  public func resolve(_ key: Key, scopes: [KeyScope]) -> KeyResolution<Action> {
    guard let b = binding(for: key, scopes: scopes) else { return .unbound }
    if let reason = b.disabledReason { return .disabled(b.action, reason: reason) }
    return .action(b.action)
  }

  /// A copy with `action` disabled for `reason` (or enabled again with `nil`).
  public func setting(_ action: Action, disabledReason reason: String?) -> Keymap {
    var copy = self
    for i in copy.bindings.indices where copy.bindings[i].action == action { copy.bindings[i].disabledReason = reason }
    return copy
  }

  /// Status-bar hints for the active scopes (most specific first), enabled bindings with a hint only,
  /// each action once.
  public func hints(scopes: [KeyScope], glyphs: GlyphSet = .unicode) -> [KeyHint] {
    var seen = Set<Action>()
    var out: [KeyHint] = []
    for scope in scopes {
      for b in bindings where b.scope == scope && b.disabledReason == nil {
        guard let label = b.hint, !seen.contains(b.action) else { continue }
        seen.insert(b.action)
        out.append(KeyHint(keys: b.keysLabel(glyphs: glyphs), label: label))
      }
    }
    return out
  }

  /// Bindings grouped by scope in the given order, for the help overlay (scopes without
  /// bindings are left out).
  public func sections(scopes: [KeyScope]) -> [(scope: KeyScope, bindings: [KeyBinding<Action>])] {
    scopes.compactMap { scope in
      let rows = bindings.filter { $0.scope == scope }
      return rows.isEmpty ? nil : (scope, rows)
    }
  }

  /// Keys bound more than once within one scope (a table bug worth a test).
  public var conflicts: [(key: Key, scope: KeyScope)] {
    var seen = Set<[String]>()
    var out: [(key: Key, scope: KeyScope)] = []
    var used: [KeyScope: Set<Key>] = [:]
    for b in bindings {
      for k in b.keys {
        if used[b.scope, default: []].contains(k) {
          let id = [b.scope.name, k.displayName()]
          if !seen.contains(id) {
            seen.insert(id)
            out.append((k, b.scope))
          }
        } else {
          used[b.scope, default: []].insert(k)
        }
      }
    }
    return out
  }
}
