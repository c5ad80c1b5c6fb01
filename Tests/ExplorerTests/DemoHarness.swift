import Foundation
import Testing

@testable import Explorer

#if canImport(Glibc)
import Glibc
#endif

/// Interactive run of the example screen on the real terminal, for manual and tmux checks of the
/// curses backend. Disabled unless `EXPLORER_DEMO=1`; `EXPLORER_DEMO_CRASH=trap|throw` checks the
/// restoration paths. Run the test binary directly inside a terminal, e.g.
/// `EXPLORER_DEMO=1 .build-ui/debug/i2fPackageTests.xctest --testing-library swift-testing --filter interactiveDemo`.
@Suite struct DemoHarness {
  struct DemoError: Error, CustomStringConvertible {
    var description: String { "the demo threw on purpose" }
  }

  @Test(.enabled(if: ProcessInfo.processInfo.environment["EXPLORER_DEMO"] == "1"))
  func interactiveDemo() throws {
    let env = ProcessInfo.processInfo.environment
    let options = TerminalOptions(
      noColor: env["DEMO_NO_COLOR"] == "1", asciiOnly: env["DEMO_ASCII"] == "1",
      logPath: env["DEMO_LOG"])
    do {
      try withTerminal(options) { terminal in
        var model = ExampleScreen.Model()
        var frames = 0
        while !model.quit {
          var canvas = ExampleScreen.view(model, size: terminal.size, context: terminal.renderContext)
          frames += 1
          // A corner readout the tmux checks wait for.
          let info = "\(terminal.size) \(terminal.renderContext.colorMode) f\(frames)"
          canvas.draw(
            info, in: canvas.bounds.row(0), alignment: .trailing, style: terminal.renderContext.theme.secondary)
          terminal.draw(canvas)
          let key = terminal.nextKey(timeout: .milliseconds(50))
          if case .character("!") = key {
            switch env["EXPLORER_DEMO_CRASH"] {
            case "trap":
              let a = [1]
              _ = a[frames + 5]
            case "throw": throw DemoError()
            case "stderr":
              FileHandle.standardError.write("written to stderr while in curses mode\n".data(using: .utf8)!)
            default: break
            }
          }
          if case .mouse(let event) = key { model.message = StatusMessage("mouse \(event.kind) at \(event.position)") }
          if case .control("l") = key { terminal.invalidate() }
          ExampleScreen.update(&model, key: key, now: .now, screen: terminal.size)
        }
      }
      print("demo finished; log at \(options.logPath ?? TerminalOptions.defaultLogPath(environment: env))")
    } catch let error as TerminalError {
      print("i2f: \(error)")
    }
  }
}
