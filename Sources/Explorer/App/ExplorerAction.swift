import Leakage

/// Everything a key can do in the explorer. The keymap below is the single table behind key
/// dispatch, the help overlay and the status-bar hints.
public enum ExplorerAction: Hashable, Sendable {
  case quit, help, closeOverlay
  case pickModel, pickInitialization, pickSample, pickPerturbation, pickAttack
  case increase, decrease, toggleDirectionEnd, newNoiseDraw
  case ridgeUp, ridgeDown, targetUp, targetDown
  case runPause, step, stepTen, runToEnd, resetAttack, faster, slower, runAll
  case toggleCompare, nextPane, previousPane, addPane, removePane
  case export
  case scrollUp, scrollDown
}

extension ExplorerState {
  static let mainScope: KeyScope = "Explorer"
  static let compareScope: KeyScope = "Compare view"
  static let overlayScope: KeyScope = "Overlay"

  /// The key table for the current state (descriptions and disabled reasons follow the state).
  public var keymap: Keymap<ExplorerAction> {
    let pane = panes[activePane]
    let running = pane.attack?.isRunning == true
    let attackReason = attackUnavailableReason(pane)
    let kind = control.kind
    let slider = control.hasSlider ? nil : "(no slider for '\(kind.title)')"
    return Keymap([
      KeyBinding([.character("q"), .control("c")], .quit, "Quit", hint: "quit"),
      KeyBinding([.character("?"), .function(1)], .help, "Show all keys", hint: "help"),
      KeyBinding([.character("m")], .pickModel, "Choose the model", hint: "model"),
      KeyBinding([.character("i")], .pickInitialization, "Choose the initialisation (or trained weights) of this pane", hint: "init"),
      KeyBinding([.character("s")], .pickSample, "Browse samples", hint: "sample"),
      KeyBinding([.character("p")], .pickPerturbation, "Choose the perturbation kind", hint: "perturb"),
      KeyBinding([.character("a")], .pickAttack, "Choose the attack preset"),
      KeyBinding([.right, .character("l"), .character("+")], .increase, "More perturbation (σ ×10^¼, p +5%, k +1)", scope: Self.mainScope, keyLabel: "→/l/+", disabledReason: slider),
      KeyBinding([.left, .character("h"), .character("-")], .decrease, "Less perturbation", scope: Self.mainScope, keyLabel: "←/h/-", disabledReason: slider),
      KeyBinding([.character("t")], .toggleDirectionEnd, "Singular direction from the top / bottom of the spectrum", scope: Self.mainScope,
                 disabledReason: kind == .direction ? nil : "only for the singular-direction perturbation"),
      KeyBinding([.character("z")], .newNoiseDraw, "New noise draw (next seed)", scope: Self.mainScope),
      KeyBinding([.character("}")], .ridgeUp, "Ridge ε ×10", scope: Self.mainScope),
      KeyBinding([.character("{")], .ridgeDown, "Ridge ε ÷10", scope: Self.mainScope),
      KeyBinding([.character("]")], .targetUp, "Target RMSE ×2 (σ needed for it)", scope: Self.mainScope),
      KeyBinding([.character("[")], .targetDown, "Target RMSE ÷2", scope: Self.mainScope),
      KeyBinding([.space], .runPause, running ? "Pause the attack" : "Run the attack", scope: Self.mainScope,
                 hint: running ? "pause" : "run", disabledReason: attackReason),
      KeyBinding([.character("n")], .step, "Step the attack one iteration", scope: Self.mainScope, hint: "step", disabledReason: attackReason),
      KeyBinding([.character("N")], .stepTen, "Step ten iterations", scope: Self.mainScope, disabledReason: attackReason),
      KeyBinding([.character("f")], .runToEnd, "Run the attack to the end at full speed", scope: Self.mainScope, disabledReason: attackReason),
      KeyBinding([.character("r")], .resetAttack, "Reset the attack", scope: Self.mainScope,
                 disabledReason: pane.attack == nil ? "no attack yet" : nil),
      KeyBinding([.character(">")], .faster, "Faster animation", scope: Self.mainScope),
      KeyBinding([.character("<")], .slower, "Slower animation", scope: Self.mainScope),
      KeyBinding([.character("c")], .toggleCompare, screen == .compare ? "Back to the main view" : "Compare initialisations side by side", hint: screen == .compare ? "main" : "compare"),
      KeyBinding([.tab], .nextPane, "Focus the next pane", scope: Self.compareScope),
      KeyBinding([.backTab], .previousPane, "Focus the previous pane", scope: Self.compareScope),
      KeyBinding([.character("o")], .addPane, "Add a pane (next initialisation)", scope: Self.compareScope,
                 disabledReason: panes.count < 4 ? nil : "at most 4 panes"),
      KeyBinding([.character("x")], .removePane, "Close the focused pane", scope: Self.compareScope,
                 disabledReason: panes.count > 2 ? nil : "at least 2 panes"),
      KeyBinding([.character("A")], .runAll, "Run or pause the attacks of all panes", scope: Self.compareScope, hint: "run all"),
      KeyBinding([.character("e")], .export, "Export the view: PNGs and a JSON of configuration and numbers", hint: "export"),
      KeyBinding([.escape, .character("q")], .closeOverlay, "Close", scope: Self.overlayScope, hint: "close"),
      KeyBinding([.up, .character("k")], .scrollUp, "Scroll up", scope: Self.overlayScope),
      KeyBinding([.down, .character("j")], .scrollDown, "Scroll down", scope: Self.overlayScope),
    ])
  }

  /// Why the attack keys do nothing for `pane` now, or nil when they work.
  func attackUnavailableReason(_ pane: PaneState) -> String? {
    if let a = pane.attack { return a.finished ? "attack \(a.status.rawValue): r resets" : nil }
    if let failure = pane.attackFailure { return "no attack: \(failure)" }
    if case .failed = pane.phase { return "the analysis failed" }
    guard pane.analysis != nil else { return pane.victim == nil ? "loading the model" : "computing g0" }
    if control.kind == .direction && pane.analysis?.isComplete != true { return "waiting for the spectrum (singular directions need it)" }
    return "preparing the attack"
  }

  /// Scopes active now, most specific first.
  public var scopes: [KeyScope] {
    if overlay != nil { return [Self.overlayScope] }
    return screen == .compare ? [Self.compareScope, Self.mainScope, .global] : [Self.mainScope, .global]
  }
}
