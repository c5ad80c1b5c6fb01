import Testing

@testable import Explorer

@Suite struct KeymapTests {
  enum Action: Hashable, Sendable {
    case quit, help, runPause, step, nextPane, close, scrollUp, scrollDown, compare, export
  }

  static let overlay: KeyScope = "Help"
  static let attack: KeyScope = "Attack"

  static let keymap = Keymap<Action>([
    KeyBinding([.character("q"), .control("c")], .quit, "Quit", hint: "quit"),
    KeyBinding([.character("?"), .function(1)], .help, "Show this help", hint: "help"),
    KeyBinding([.tab], .nextPane, "Focus the next pane"),
    KeyBinding([.character("e")], .export, "Export the view as PNG and JSON", disabledReason: "nothing computed yet"),
    KeyBinding([.space], .runPause, "Run or pause the attack", scope: attack, hint: "run"),
    KeyBinding([.character("n"), .character(".")], .step, "Step one iteration", scope: attack, hint: "step"),
    KeyBinding(
      [.character("c")], .compare, "Compare initialisations", scope: attack, hint: "compare",
      disabledReason: "needs a sample"),
    KeyBinding([.escape, .character("q")], .close, "Close the help", scope: overlay, hint: "close"),
    KeyBinding([.up, .character("k")], .scrollUp, "Scroll up", scope: overlay),
    KeyBinding([.down, .character("j")], .scrollDown, "Scroll down", scope: overlay),
  ])

  @Test func dispatchPrefersTheMostSpecificScope() {
    let main: [KeyScope] = [Self.attack, .global]
    #expect(Self.keymap.resolve(.character("q"), scopes: main) == .action(.quit))
    #expect(Self.keymap.resolve(.character("q"), scopes: [Self.overlay, .global]) == .action(.close))
    #expect(Self.keymap.resolve(.character("."), scopes: main) == .action(.step))
    #expect(Self.keymap.resolve(.character("."), scopes: [.global]) == .unbound)
    #expect(Self.keymap.resolve(.character("c"), scopes: main) == .disabled(.compare, reason: "needs a sample"))
    #expect(
      Self.keymap.setting(.compare, disabledReason: nil).resolve(.character("c"), scopes: main) == .action(.compare))
  }

  @Test func hintsComeFromTheSameTable() {
    let hints = Self.keymap.hints(scopes: [Self.attack, .global])
    #expect(
      hints == [
        KeyHint(keys: "Space", label: "run"), KeyHint(keys: "n/.", label: "step"),
        KeyHint(keys: "q/Ctrl-c", label: "quit"), KeyHint(keys: "?/F1", label: "help"),
      ])
  }

  @Test func tableHasNoConflicts() {
    #expect(Self.keymap.conflicts.isEmpty)
    let broken = Keymap<Action>([KeyBinding([.character("x")], .quit, "a"), KeyBinding([.character("x")], .help, "b")])
    #expect(broken.conflicts.map(\.key) == [.character("x")])
  }

  @Test(arguments: [(80, 24), (40, 12)]) func helpOverlay(width: Int, height: Int) {
    let help = HelpOverlay(keymap: Self.keymap, scopes: [.global, Self.attack, Self.overlay])
    assertSnapshot(rendered(help, width: width, height: height), named: "help-\(width)x\(height)")
    assertSnapshot(
      rendered(help, width: width, height: height, context: monoASCII), named: "help-mono-\(width)x\(height)")
  }

  @Test func helpScrollsWhenTaller() {
    let help = HelpOverlay(keymap: Self.keymap, scopes: [.global, Self.attack, Self.overlay])
    #expect(help.maxScroll(in: Rect(x: 0, y: 0, width: 80, height: 24)) == 0)
    let maxScroll = help.maxScroll(in: Rect(x: 0, y: 0, width: 40, height: 12))
    #expect(maxScroll > 0)
    var scrolled = help
    scrolled.scroll = maxScroll
    assertSnapshot(rendered(scrolled, width: 40, height: 12), named: "help-scrolled-40x12")
  }
}
