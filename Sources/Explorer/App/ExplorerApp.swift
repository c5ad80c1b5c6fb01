import Foundation
import Leakage

/// The explorer's main loop: apply the engine's results through the pure update, hand the
/// effects to the engine, draw the state, wait up to 50 ms for a key, apply it — until the user
/// quits or the process is asked to end.
public enum ExplorerApp {
  /// How a session ended.
  public struct Ending: Sendable, Equatable {
    /// The signal that ended it (SIGTERM, SIGHUP; the caller exits with 128 + it), nil on quit.
    public var signal: Int32?
    /// Whether all background work had ended when the session did; if not, threads are still
    /// computing (see ``ExplorerEngine/shutdown(grace:)``).
    public var workEnded: Bool
  }

  /// Runs the explorer until the user quits (q, Ctrl-C) or SIGTERM/SIGHUP arrives. The terminal
  /// is restored on every exit path; then the work in flight gets up to `grace` to end (an export
  /// asked for just before quitting is written, computations stop at their next cancellation point).
  @MainActor
  public static func run(
    _ initial: ExplorerState, catalogue: SampleCatalogue, options: TerminalOptions, grace: Duration = .milliseconds(500)
  ) throws -> Ending {
    var state = initial
    let engine = ExplorerEngine(catalogue: catalogue)
    let signal: Int32?
    do {
      signal = try withTerminal(options) { terminal in session(&state, engine, terminal) }
    } catch {
      engine.shutdown()
      throw error
    }
    return Ending(signal: signal, workEnded: engine.shutdown(grace: grace))
  }

  /// The main loop on an open terminal; returns the termination signal that ended it, if any.
  @MainActor
  private static func session(_ state: inout ExplorerState, _ engine: ExplorerEngine, _ terminal: CursesTerminal) -> Int32? {
    var effects = state.start()
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
