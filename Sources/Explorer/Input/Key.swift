/// A key press or terminal event, independent of curses: what the pure `update` functions and the
/// keymap consume. The curses backend produces these (see `CursesTerminal.nextKey(timeout:)`).
public enum Key: Hashable, Sendable {
  /// A printable character, including space.
  case character(Character)
  /// Ctrl plus a letter, given as the lower-case letter (`.control("p")` is Ctrl-P). Ctrl-C normally
  /// arrives as SIGINT instead, Ctrl-I/Ctrl-M/Ctrl-H as Tab/Enter/Backspace.
  case control(Character)
  case enter
  case escape
  case tab
  /// Shift-Tab.
  case backTab
  case backspace
  case delete
  case insert
  case up
  case down
  case left
  case right
  case pageUp
  case pageDown
  case home
  case end
  /// F1…F12 (`.function(1)` is F1).
  case function(Int)
  /// The terminal changed size; the new size is attached.
  case resize(Size)
  /// A mouse button or wheel event (only when mouse reporting is on).
  case mouse(MouseEvent)

  /// The space bar.
  public static let space = Key.character(" ")

  /// The printable character, if this is one.
  public var character: Character? {
    if case .character(let c) = self { return c }
    return nil
  }

  /// How the key is written in help and hints: `q`, `Space`, `Esc`, `↑`, `PgDn`, `Ctrl-p`, `F1`.
  public func displayName(glyphs: GlyphSet = .unicode) -> String {
    switch self {
    case .character(" "): return "Space"
    case .character(let c): return String(c)
    case .control(let c): return "Ctrl-\(c)"
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .tab: return "Tab"
    case .backTab: return "Shift-Tab"
    case .backspace: return "Bksp"
    case .delete: return "Del"
    case .insert: return "Ins"
    case .up: return glyphs.isUnicode ? glyphs.arrowUp : "Up"
    case .down: return glyphs.isUnicode ? glyphs.arrowDown : "Down"
    case .left: return glyphs.isUnicode ? glyphs.arrowLeft : "Left"
    case .right: return glyphs.isUnicode ? glyphs.arrowRight : "Right"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .home: return "Home"
    case .end: return "End"
    case .function(let n): return "F\(n)"
    case .resize: return "resize"
    case .mouse: return "mouse"
    }
  }
}
