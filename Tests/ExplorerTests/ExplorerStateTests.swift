import Foundation
import Testing
@testable import Explorer
@testable import Leakage

/// The explorer's pure update: keys and engine results in, state and effects out.
@Suite("Explorer state machine")
struct ExplorerStateTests {
  let now = ContinuousClock.now
  let size = Size(width: 140, height: 42)

  func press(_ s: inout ExplorerState, _ keys: Key...) -> [ExplorerEffect] {
    keys.flatMap { s.update(.key($0), now: now, screen: size) }
  }

  @Test func startAnalysesEveryPaneAndReadyTriggersEvaluation() {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, compare: [.initializer(.xavier, seed: 0)],
                          weightChoices: [], datasetNames: ["digits"])
    let effects = s.start()
    #expect(effects.count == 2)
    guard case .analyze(0, let gen, let scenario) = effects[0] else { Issue.record("expected analyze"); return }
    #expect(scenario.weights == .initializer(.uniform, seed: 0))
    // A stale result is ignored; the current one stores the summary and asks for an evaluation.
    #expect(s.update(.analysisReady(pane: 0, generation: gen + 100, ExplorerFixtures.summary), now: now, screen: size).isEmpty)
    let next = s.update(.analysisReady(pane: 0, generation: gen, ExplorerFixtures.summary), now: now, screen: size)
    #expect(s.panes[0].summary != nil)
    guard case .evaluate(0, let evalGen, _, let attack, _)? = next.first else { Issue.record("expected evaluate"); return }
    #expect(attack.preset == "dlg")
    #expect(s.panes[0].evaluating)
    _ = s.update(.evaluated(pane: 0, generation: evalGen, ExplorerFixtures.report()), now: now, screen: size)
    #expect(!s.panes[0].evaluating && Swift.abs((s.panes[0].report?.i2fNorm ?? 0) - 0.364) < 1e-12)
  }

  @Test func sigmaStepsAreQuarterDecadesAndReevaluateEveryPane() {
    var s = ExplorerFixtures.state(compare: true)
    s.screen = .main
    let before = s.control.logSigma
    let effects = press(&s, .right)
    #expect(s.control.logSigma == before + 0.25)
    let evaluations = effects.filter { if case .evaluate = $0 { return true } else { return false } }
    #expect(evaluations.count == 2)
    if case .evaluate(_, _, let scenario, _, _)? = evaluations.first {
      #expect(scenario.perturbation == .gaussian(sigma: Foundation.pow(10, before + 0.25)))
    }
    _ = press(&s, .left, .left)
    #expect(s.control.logSigma == before - 0.25)
    // An old evaluation arriving late does not overwrite the newest numbers.
    let current = s.panes[0].report?.i2fNorm
    _ = s.update(.evaluated(pane: 0, generation: 1, ExplorerFixtures.report(9)), now: now, screen: size)
    #expect(s.panes[0].report?.i2fNorm == current)
  }

  @Test func attackKeysSendCommandsOnlyWhenTheyMakeSense() {
    var s = ExplorerFixtures.state()
    #expect(press(&s, .space) == [.attack(pane: 0, .run)])
    #expect(s.panes[0].attackRunning)
    #expect(press(&s, .space) == [.attack(pane: 0, .pause)])
    #expect(press(&s, .character("n")) == [.attack(pane: 0, .step(1))])
    #expect(press(&s, .character("N")) == [.attack(pane: 0, .step(10))])
    #expect(press(&s, .character("r")) == [.attack(pane: 0, .reset)])
    let speed = s.speed
    _ = press(&s, .character(">"))
    #expect(s.speed == speed + 1)
    // Before the analysis is ready, stepping is refused with a reason.
    var waiting = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    _ = waiting.start()
    #expect(press(&waiting, .character("n")).isEmpty)
    #expect(waiting.message?.text == "waiting for the analysis")
  }

  @Test func pickersChangeTheModelAndTheInitialisation() {
    var s = ExplorerFixtures.state()
    _ = press(&s, .character("m"))
    guard case .picker(.model, _)? = s.overlay else { Issue.record("model picker not open"); return }
    let effects = press(&s, .down, .enter)  // convnet5 → mlp
    #expect(s.overlay == nil && s.scenario.model == .builtin(.mlp))
    #expect(effects.contains { if case .analyze(0, _, let sc) = $0 { return sc.model == .builtin(.mlp) } else { return false } })
    _ = press(&s, .character("i"))
    _ = press(&s, .end, .enter)
    #expect(s.panes[0].weights == .initializer(.kaiming, seed: 0))
    // Esc closes a picker without a change.
    _ = press(&s, .character("p"), .escape)
    #expect(s.overlay == nil && s.control.kind == .gaussian)
  }

  @Test func compareViewAddsAndRemovesPanes() {
    var s = ExplorerFixtures.state()
    let effects = press(&s, .character("c"))
    #expect(s.screen == .compare && s.panes.count == 2)
    #expect(effects.contains { if case .analyze(1, _, _) = $0 { return true } else { return false } })
    _ = press(&s, .character("o"), .character("o"))
    #expect(s.panes.count == 4)
    _ = press(&s, .character("o"))
    #expect(s.panes.count == 4 && s.message?.text == "at most 4 panes")
    #expect(press(&s, .tab).isEmpty && s.focus == 0)
    #expect(press(&s, .character("x")) == [.dropPane(0)])
    #expect(s.panes.count == 3)
    // Run all: one command per ready pane.
    for i in s.panes.indices { s.panes[i].analysis = .ready(ExplorerFixtures.summary) }
    #expect(press(&s, .character("A")).count == 3)
  }

  @Test func sampleBrowserLoadsMovesAndChooses() {
    var s = ExplorerFixtures.state()
    #expect(press(&s, .character("s")) == [.loadDataset("digits")])
    _ = s.update(.datasetLoaded(name: "digits", ExplorerFixtures.digits), now: now, screen: size)
    _ = press(&s, .right, .right)
    guard case .samples(let browser)? = s.overlay else { Issue.record("browser not open"); return }
    #expect(browser.selection == 5)
    let effects = press(&s, .enter)
    #expect(s.scenario.sample == "digits:5" && s.overlay == nil)
    #expect(effects.contains { if case .analyze(0, _, let sc) = $0 { return sc.sample == "digits:5" } else { return false } })
    _ = press(&s, .character("s"), .tab)
    guard case .samples(let b)? = s.overlay else { Issue.record("browser closed"); return }
    #expect(b.datasetIndex == 1)
  }

  @Test func helpOpensScrollsAndCloses() {
    var s = ExplorerFixtures.state()
    let small = Size(width: 80, height: 24)
    _ = s.update(.key(.character("?")), now: now, screen: small)
    #expect(s.overlay == .help(scroll: 0))
    _ = s.update(.key(.down), now: now, screen: small)
    _ = s.update(.key(.character("j")), now: now, screen: small)
    #expect(s.overlay == .help(scroll: 2))
    _ = press(&s, .escape)
    #expect(s.overlay == nil)
    _ = press(&s, .character("q"))
    #expect(s.quit)
  }

  @Test func directionPerturbationSetsTheMarkerAndTogglesTheEnd() {
    var s = ExplorerFixtures.state()
    _ = press(&s, .character("p"))
    _ = press(&s, .end, .enter)
    #expect(s.control.kind == .direction)
    _ = press(&s, .character("t"))
    #expect(s.control.directionEnd == .top)
    _ = press(&s, .right, .right)
    #expect(s.control.directionIndex == 3)
    #expect(s.scenario(forPane: 0).perturbation == .direction(.top, 3))
  }

  @Test func exportCarriesTheConfigurationThatReopensTheView() throws {
    var s = ExplorerFixtures.state(compare: true)
    let effects = press(&s, .character("e"))
    guard case .export(let request)? = effects.first else { Issue.record("no export"); return }
    #expect(request.configuration.panes == [.initializer(.uniform, seed: 0), .initializer(.kaiming, seed: 0)])
    #expect(request.configuration.compare)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-view-\(UUID().uuidString).json")
    try request.configuration.json(numbers: ["pane1": ["i2f_norm": 0.36]]).write(to: file)
    #expect(try ExplorerConfiguration.load(file.path) == request.configuration)
    try? FileManager.default.removeItem(at: file)
    #expect(throws: DataError.self) { try ExplorerConfiguration.load("/nonexistent/view.json") }
  }
}
