import Testing

@testable import Explorer

/// Raw codes as `wget_wch` reports them; the `KEY_*` numbers are from ncurses' curses.h (octal there).
@Suite struct KeyTranslationTests {
  @Test func characters() {
    #expect(CursesKeyTranslation.key(character: 113) == .character("q"))
    #expect(CursesKeyTranslation.key(character: 32) == .space)
    #expect(CursesKeyTranslation.key(character: 0x3C3) == .character("σ"))
    #expect(CursesKeyTranslation.key(character: 10) == .enter)
    #expect(CursesKeyTranslation.key(character: 13) == .enter)
    #expect(CursesKeyTranslation.key(character: 9) == .tab)
    #expect(CursesKeyTranslation.key(character: 27) == .escape)
    #expect(CursesKeyTranslation.key(character: 127) == .backspace)
    #expect(CursesKeyTranslation.key(character: 8) == .backspace)
    #expect(CursesKeyTranslation.key(character: 16) == .control("p"))
    #expect(CursesKeyTranslation.key(character: 12) == .control("l"))
    #expect(CursesKeyTranslation.key(character: 0) == nil)
    #expect(CursesKeyTranslation.key(character: 0x9B) == nil)
    #expect(CursesKeyTranslation.key(character: 0xD800) == nil)
  }

  @Test func functionKeys() {
    #expect(CursesKeyTranslation.key(keyCode: 0o403) == .up)
    #expect(CursesKeyTranslation.key(keyCode: 0o402) == .down)
    #expect(CursesKeyTranslation.key(keyCode: 0o404) == .left)
    #expect(CursesKeyTranslation.key(keyCode: 0o405) == .right)
    #expect(CursesKeyTranslation.key(keyCode: 0o406) == .home)
    #expect(CursesKeyTranslation.key(keyCode: 0o550) == .end)
    #expect(CursesKeyTranslation.key(keyCode: 0o523) == .pageUp)
    #expect(CursesKeyTranslation.key(keyCode: 0o522) == .pageDown)
    #expect(CursesKeyTranslation.key(keyCode: 0o527) == .enter)
    #expect(CursesKeyTranslation.key(keyCode: 0o407) == .backspace)
    #expect(CursesKeyTranslation.key(keyCode: 0o512) == .delete)
    #expect(CursesKeyTranslation.key(keyCode: 0o513) == .insert)
    #expect(CursesKeyTranslation.key(keyCode: 0o541) == .backTab)
    #expect(CursesKeyTranslation.key(keyCode: 0o410 + 1) == .function(1))
    #expect(CursesKeyTranslation.key(keyCode: 0o410 + 12) == .function(12))
    #expect(CursesKeyTranslation.key(keyCode: 0o410) == nil)  // KEY_F0
    #expect(CursesKeyTranslation.key(keyCode: 0o632) == nil)  // KEY_RESIZE: the backend's job
    #expect(CursesKeyTranslation.key(keyCode: 0o631) == nil)  // KEY_MOUSE: likewise
  }

  @Test func mouseButtonStates() {
    // NCURSES_MOUSE_VERSION 2: button b's bits are shifted by 5·(b−1); released 1, pressed 2, clicked 4.
    func mouse(_ state: UInt32) -> MouseEvent.Kind? {
      CursesKeyTranslation.mouseEvent(x: 7, y: 3, buttonState: state)?.kind
    }
    #expect(
      CursesKeyTranslation.mouseEvent(x: 7, y: 3, buttonState: 2)
        == MouseEvent(kind: .press(.left), position: Point(x: 7, y: 3)))
    #expect(mouse(1) == .release(.left))
    #expect(mouse(4) == .press(.left))
    #expect(mouse(2 << 5) == .press(.middle))
    #expect(mouse(1 << 10) == .release(.right))
    #expect(mouse(2 << 15) == .wheelUp)
    #expect(mouse(2 << 20) == .wheelDown)
    #expect(mouse(0) == nil)
    #expect(mouse(0x0800_0000) == nil)  // REPORT_MOUSE_POSITION
  }

  @Test func displayNames() {
    #expect(Key.space.displayName() == "Space")
    #expect(Key.up.displayName() == "↑")
    #expect(Key.up.displayName(glyphs: .ascii) == "Up")
    #expect(Key.control("p").displayName() == "Ctrl-p")
    #expect(Key.function(1).displayName() == "F1")
    #expect(Key.backTab.displayName() == "Shift-Tab")
    #expect(Key.character("?").displayName() == "?")
  }
}
