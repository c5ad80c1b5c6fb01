import Foundation
import Leakage

/// The explorer's main loop: draw the state, wait up to 50 ms for a key, apply the key (or a
/// tick) and the engine's results through the pure update, hand the effects to the engine.
public enum ExplorerApp {
  /// Runs the explorer until the user quits. The terminal is restored on every exit path.
  public static func run(_ initial: ExplorerState, catalogue: SampleCatalogue, options: TerminalOptions) throws {
    var state = initial
    let engine = ExplorerEngine(catalogue: catalogue)
    defer { engine.shutdown() }
    for effect in state.start() { engine.perform(effect) }
    try withTerminal(options) { terminal in
      var tick = 0
      while !state.quit {
        terminal.draw(state.view(size: terminal.size, context: terminal.renderContext, tick: tick))
        let key = terminal.nextKey(timeout: .milliseconds(50))
        let now = ContinuousClock.now
        var effects = state.update(key.map(ExplorerEvent.key) ?? .tick, now: now, screen: terminal.size)
        for event in engine.drain() {
          effects += state.update(event, now: now, screen: terminal.size)
        }
        for effect in effects { engine.perform(effect) }
        tick += 1
      }
    }
  }
}
