import Testing

@testable import Explorer

#if canImport(Glibc)
import Glibc
#endif

@Suite struct TerminalTests {
  /// Under `swift test` in CI there is no terminal, and the explorer must refuse with a clear
  /// error before touching anything. (Skipped when the tests run in a real terminal.)
  @Test(.enabled(if: isatty(0) == 0 || isatty(1) == 0))
  func refusesWithoutATerminal() {
    do {
      try withTerminal(TerminalOptions(environment: ["TERM": "xterm-256color"])) { _ in
        Issue.record("entered curses without a TTY")
      }
      Issue.record("no error")
    } catch let error as TerminalError {
      guard case .notATerminal = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(error.description.contains("needs an interactive terminal"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func errorMessagesSayWhatToDo() {
    #expect(
      TerminalError.notATerminal(stdinIsTerminal: true, stdoutIsTerminal: false).description.contains(
        "standard output is not a terminal"))
    #expect(TerminalError.unknownTerminalType("foo").description.contains("'foo'"))
    #expect(TerminalError.noTerminalType.description.contains("TERM"))
    #expect(TerminalError.cannotAddressCursor("dumb").description.contains("cannot position the cursor"))
  }

  @Test func defaultLogPath() {
    #expect(
      TerminalOptions.defaultLogPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/i2f/explore.log")
    #expect(TerminalOptions.defaultLogPath(environment: ["HOME": "/h"]) == "/h/.local/state/i2f/explore.log")
    #expect(TerminalOptions.defaultLogPath(environment: [:]) == "/tmp/i2f-explore.log")
  }
}
