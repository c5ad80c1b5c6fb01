internal import CNCursesW

/// Translation from what `wget_wch` returns to ``Key``. Pure functions of the raw codes, so the
/// tests can feed them numbers without a terminal.
enum CursesKeyTranslation {
  /// A key from `wget_wch`'s `OK` case: a character code (Enter, Tab, Esc, Backspace and Ctrl-letter
  /// arrive as control codes). Returns nil for codes that are not keys (NUL, invalid scalars).
  static func key(character code: UInt32) -> Key? {
    switch code {
    case 10, 13: return .enter
    case 9: return .tab
    case 27: return .escape
    case 8, 127: return .backspace
    case 1...26:
      return Unicode.Scalar(code + 96).map { .control(Character($0)) }
    case 0, 28...31, 0x80..<0xA0:
      return nil
    default:
      guard let scalar = Unicode.Scalar(code) else { return nil }
      return .character(Character(scalar))
    }
  }

  /// A key from `wget_wch`'s `KEY_CODE_YES` case (a `KEY_*` constant). `KEY_RESIZE` and `KEY_MOUSE`
  /// need the terminal and are handled by the backend; here, as unknown codes, they give nil.
  static func key(keyCode code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_ENTER: return .enter
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_IC: return .insert
    case KEY_BTAB: return .backTab
    case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
    default: return nil
    }
  }

  /// A mouse event from `getmouse`'s cell and button state; nil for states we do not report
  /// (motion, buttons 6+). Clicks and double clicks count as presses.
  static func mouseEvent(x: Int32, y: Int32, buttonState state: mmask_t) -> MouseEvent? {
    let kind: MouseEvent.Kind
    if state & nc_button4_pressed() != 0 {
      kind = .wheelUp
    } else if state & nc_button5_pressed() != 0 {
      kind = .wheelDown
    } else if state & (nc_button1_pressed() | nc_button1_clicked()) != 0 {
      kind = .press(.left)
    } else if state & nc_button1_released() != 0 {
      kind = .release(.left)
    } else if state & (nc_button2_pressed() | nc_button2_clicked()) != 0 {
      kind = .press(.middle)
    } else if state & nc_button2_released() != 0 {
      kind = .release(.middle)
    } else if state & (nc_button3_pressed() | nc_button3_clicked()) != 0 {
      kind = .press(.right)
    } else if state & nc_button3_released() != 0 {
      kind = .release(.right)
    } else {
      return nil
    }
    return MouseEvent(kind: kind, position: Point(x: Int(x), y: Int(y)))
  }
}
