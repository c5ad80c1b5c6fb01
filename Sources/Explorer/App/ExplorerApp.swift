import Foundation
import Leakage

/// The explorer's main loop: apply the engine's results through the pure update, hand the
/// effects to the engine, draw the state, wait up to 50 ms for a key, apply it — until the user
/// quits or the process is asked to end.
public enum ExplorerApp {
  /// Runs the explorer until the user quits (q, Ctrl-C) or SIGTERM/SIGHUP arrives. The terminal
  /// is restored on every exit path. Returns the signal that ended the session, if one did (the
  /// caller exits with 128 + it).
  @MainActor
  public static func run(_ initial: ExplorerState, catalogue: SampleCatalogue, options: TerminalOptions) throws -> Int32? {
    var state = initial
    let engine = ExplorerEngine(catalogue: catalogue)
    defer { engine.shutdown() }
    var effects = state.start()
    return try withTerminal(options) { terminal in
      var tick = 0
      while !state.quit {
        // Results first: a key then acts on what the engine last reported (its snapshots say
        // whether an attack runs, so a second space right after the first one pauses it).
        let now = ContinuousClock.now
        for event in engine.drain() { effects += state.update(event, now: now, screen: terminal.size) }
        for effect in effects { engine.perform(effect) }
        effects = []
        terminal.draw(state.view(size: terminal.size, context: terminal.renderContext, tick: tick))
        let key = terminal.nextKey(timeout: .milliseconds(50))
        if let signal = terminal.terminationSignal { return signal }
        effects = state.update(key.map(ExplorerEvent.key) ?? .tick, now: ContinuousClock.now, screen: terminal.size)
        for effect in effects { engine.perform(effect) }
        effects = []
        tick += 1
      }
      return nil
    }
  }
}
