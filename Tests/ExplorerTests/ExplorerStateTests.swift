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

  func send(_ s: inout ExplorerState, _ event: ExplorerEvent) -> [ExplorerEffect] {
    s.update(event, now: now, screen: size)
  }

  static func evaluations(_ effects: [ExplorerEffect]) -> [(PaneID, Int, Scenario)] {
    effects.compactMap { if case .evaluate(let id, let gen, let s) = $0 { (id, gen, s) } else { nil } }
  }

  static func attackPreparations(_ effects: [ExplorerEffect]) -> [(PaneID, Int, Scenario)] {
    effects.compactMap { if case .prepareAttack(let id, let gen, let s, _) = $0 { (id, gen, s) } else { nil } }
  }

  @Test func theAttackIsPreparedFromTheProductsStageAndNumbersFollowEachStage() {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, compare: [.initializer(.xavier, seed: 0)], weightChoices: [], datasetNames: ["digits"])
    let effects = s.start()
    #expect(effects.count == 2)
    guard case .analyze(let id, let gen, let scenario) = effects[0] else { Issue.record("expected analyze"); return }
    #expect(id == s.panes[0].id && id != s.panes[1].id)
    #expect(scenario.weights == .initializer(.uniform, seed: 0))
    // The victim first: the original is shown before any number.
    #expect(send(&s, .victimLoaded(id, generation: gen, ExplorerFixtures.victim)).isEmpty)
    #expect(s.panes[0].victim != nil && s.panes[0].phase == .products)
    // A stale stage is ignored; the products stage asks for ‖J·δ‖ and prepares the attack at once.
    #expect(send(&s, .analysisStage(id, generation: gen + 100, ExplorerFixtures.productsStage)).isEmpty)
    let first = send(&s, .analysisStage(id, generation: gen, ExplorerFixtures.productsStage))
    #expect(Self.evaluations(first).count == 1 && Self.attackPreparations(first).count == 1)
    #expect(s.panes[0].phase == .largestEigenvalue && s.panes[0].evaluating)
    let attackGen = Self.attackPreparations(first)[0].1
    _ = send(&s, .attackProgress(id, generation: attackGen, ExplorerFixtures.attack(iteration: 0)))
    #expect(s.panes[0].attack != nil)
    // The complete spectrum re-evaluates (same δ) but leaves the attack alone.
    let second = send(&s, .analysisStage(id, generation: gen, ExplorerFixtures.summary))
    #expect(Self.evaluations(second).count == 1 && Self.attackPreparations(second).isEmpty)
    #expect(Self.evaluations(second)[0].2.perturbation == Self.evaluations(first)[0].2.perturbation)
    #expect(s.panes[0].attack != nil && s.panes[0].attackGeneration == attackGen && s.panes[0].phase == .complete)
    // The first stage's late evaluation is ignored; the current one lands.
    _ = send(&s, .evaluated(id, generation: Self.evaluations(first)[0].1, ExplorerFixtures.productsReport()))
    #expect(s.panes[0].report == nil)
    _ = send(&s, .evaluated(id, generation: Self.evaluations(second)[0].1, ExplorerFixtures.report()))
    #expect(!s.panes[0].evaluating && Swift.abs((s.panes[0].report?.i2fNorm ?? 0) - 0.364) < 1e-12)
  }

  @Test func singularDirectionsWaitForTheSpectrum() {
    var scenario = Scenario()
    scenario.perturbation = .direction(.bottom, 1)
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: [])
    guard case .analyze(let id, let gen, _)? = s.start().first else { Issue.record("no analysis"); return }
    #expect(send(&s, .analysisStage(id, generation: gen, ExplorerFixtures.productsStage)).isEmpty)
    _ = press(&s, .character("n"))
    #expect(s.message?.text == "waiting for the spectrum (singular directions need it)")
    let complete = send(&s, .analysisStage(id, generation: gen, ExplorerFixtures.summary))
    #expect(Self.evaluations(complete).count == 1 && Self.attackPreparations(complete).count == 1)
    // An attack that cannot be prepared says why when its keys are pressed.
    let attackGen = Self.attackPreparations(complete)[0].1
    _ = send(&s, .attackFailed(id, generation: attackGen, message: "singular directions need the dense spectrum (--method dense)"))
    _ = press(&s, .space)
    #expect(s.message?.text == "no attack: singular directions need the dense spectrum (--method dense)")
  }

  @Test func sigmaStepsAreQuarterDecadesAndRestartEveryPanesAttack() {
    var s = ExplorerFixtures.state(compare: true)
    s.screen = .main
    let effects = press(&s, .right)
    #expect(Swift.abs(s.control.sigma - Foundation.pow(10, -2.75)) < 1e-15)
    #expect(Self.evaluations(effects).count == 2 && Self.attackPreparations(effects).count == 2)
    #expect(Self.evaluations(effects).first?.2.perturbation == .gaussian(sigma: s.control.sigma))
    _ = press(&s, .left, .left)
    #expect(Swift.abs(s.control.sigma - Foundation.pow(10, -3.25)) < 1e-15)
    // An old evaluation arriving late does not overwrite the newest numbers.
    let current = s.panes[0].report?.i2fNorm
    _ = send(&s, .evaluated(s.panes[0].id, generation: 1, ExplorerFixtures.report(9)))
    #expect(s.panes[0].report?.i2fNorm == current)
    // The ridge changes the numbers, not δ: no attack restarts.
    let ridge = press(&s, .character("}"))
    #expect(Self.evaluations(ridge).count == 2 && Self.attackPreparations(ridge).isEmpty)
  }

  @Test func attackKeysFollowTheRunnersSnapshots() {
    var s = ExplorerFixtures.state()
    let id = s.panes[0].id
    #expect(press(&s, .space) == [.attack(id, .run)])
    // Until a snapshot says it runs, the attack is paused: the truth is the runner's.
    #expect(press(&s, .space) == [.attack(id, .run)])
    _ = send(&s, .attackProgress(id, generation: 1, ExplorerFixtures.attack(iteration: 121, running: true)))
    #expect(press(&s, .space) == [.attack(id, .pause)])
    #expect(press(&s, .character("n")) == [.attack(id, .step(1))])
    #expect(press(&s, .character("N")) == [.attack(id, .step(10))])
    #expect(press(&s, .character("r")) == [.attack(id, .reset)])
    let speed = s.speed
    _ = press(&s, .character(">"))
    #expect(s.speed == speed + 1)
    // A finished attack says how it ended.
    _ = send(&s, .attackProgress(id, generation: 1, ExplorerFixtures.attack(iteration: 26, status: .stalled)))
    #expect(press(&s, .space).isEmpty)
    #expect(s.message?.text == "attack stalled: r resets")
    // Before the model is loaded, stepping is refused with a reason.
    var waiting = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    _ = waiting.start()
    #expect(press(&waiting, .character("n")).isEmpty)
    #expect(waiting.message?.text == "loading the model")
  }

  @Test func pickersChangeTheModelAndTheInitialisation() {
    var s = ExplorerFixtures.state()
    _ = press(&s, .character("m"))
    guard case .picker(.model, _)? = s.overlay else { Issue.record("model picker not open"); return }
    let effects = press(&s, .down, .enter)  // convnet5 → mlp
    #expect(s.overlay == nil && s.scenario.model == .builtin(.mlp))
    #expect(effects.contains { if case .analyze(_, _, let sc) = $0 { return sc.model == .builtin(.mlp) } else { return false } })
    _ = press(&s, .character("i"))
    _ = press(&s, .end, .enter)
    #expect(s.panes[0].weights == .initializer(.kaiming, seed: 0))
    // Esc closes a picker without a change.
    _ = press(&s, .character("p"), .escape)
    #expect(s.overlay == nil && s.control.kind == .gaussian)
  }

  @Test func aModelChangeKeepsTheSeed() {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, compare: [.file("Weights/convnet5-digits.safetensors"), .trained(seed: 7)],
                          weightChoices: [], seed: 7, datasetNames: [])
    _ = press(&s, .character("m"))
    _ = press(&s, .down, .enter)
    #expect(s.panes.map(\.weights) == [.initializer(.uniform, seed: 0), .initializer(.uniform, seed: 7), .trained(seed: 7)])
  }

  @Test func aModelFileBringsItsWeights() {
    let file = ModelChoice(model: .builtin(.lenet5), weights: .file("Models/lenet5-digits.safetensors"), name: "lenet5-digits.safetensors")
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], modelChoices: ModelChoice.builtins + [file], datasetNames: [])
    _ = press(&s, .character("m"))
    let effects = press(&s, .end, .enter)
    #expect(s.scenario.model == .builtin(.lenet5) && s.panes[0].weights == .file("Models/lenet5-digits.safetensors"))
    #expect(effects.contains { if case .analyze(_, _, let sc) = $0 { return sc.weights == .file("Models/lenet5-digits.safetensors") } else { return false } })
  }

  @Test func aPerturbationFileIsUsedAndOffered() {
    var scenario = Scenario()
    scenario.perturbation = .file("/tmp/delta.safetensors")
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: [])
    #expect(s.control.kind == .file)
    #expect(s.scenario(forPane: 0).perturbation == .file("/tmp/delta.safetensors"))
    _ = press(&s, .character("p"))
    guard case .picker(.perturbation, let picker)? = s.overlay else { Issue.record("no picker"); return }
    #expect(picker.items.last?.title == "δ from a file" && picker.selection == picker.items.count - 1)
    // Away to Gaussian noise and back to the file.
    _ = press(&s, .home, .down, .enter)
    #expect(s.control.kind == .gaussian)
    _ = press(&s, .character("p"), .end, .enter)
    #expect(s.scenario(forPane: 0).perturbation == .file("/tmp/delta.safetensors"))
    // Without a file, the picker does not offer one.
    var plain = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    _ = press(&plain, .character("p"))
    guard case .picker(.perturbation, let other)? = plain.overlay else { Issue.record("no picker"); return }
    #expect(!other.items.contains { $0.title == "δ from a file" })
  }

  @Test func typedPerturbationsAreKeptExactly() {
    var scenario = Scenario()
    scenario.perturbation = .differentialPrivacy(clip: 0.5, multiplier: 0.1)
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: [])
    s.panes[0].analysis = ExplorerFixtures.summary
    #expect(s.scenario(forPane: 0).perturbation == .differentialPrivacy(clip: 0.5, multiplier: 0.1))
    #expect(s.control.valueLabel == "z = 1.0e-01, C = 5.0e-01")
    // The slider moves z; C stays what was given.
    _ = press(&s, .right)
    guard case .differentialPrivacy(let clip, let z) = s.scenario(forPane: 0).perturbation else { Issue.record("not DP"); return }
    #expect(clip == 0.5 && Swift.abs(z - Foundation.pow(10, -0.75)) < 1e-15)
    // σ = 0 stays 0.
    scenario.perturbation = .gaussian(sigma: 0)
    #expect(ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: []).scenario(forPane: 0).perturbation == .gaussian(sigma: 0))
    // DP picked without a clip: half of this pane's ‖g0‖, and the label says it is the default.
    var picked = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    picked.panes[0].analysis = ExplorerFixtures.summary
    _ = press(&picked, .character("p"))
    _ = press(&picked, .home, .down, .down, .down, .down, .enter)
    #expect(picked.control.kind == .dp)
    #expect(picked.scenario(forPane: 0).perturbation == .differentialPrivacy(clip: 4.33 / 2, multiplier: 0.01))
    #expect(picked.control.valueLabel.contains("C = ‖g0‖/2 (default)"))
  }

  @Test func closingAPaneKeepsTheOthersIdentities() {
    var s = ExplorerFixtures.state()
    _ = press(&s, .character("c"))
    _ = press(&s, .character("o"))
    #expect(s.screen == .compare && s.panes.count == 3)
    let ids = s.panes.map(\.id)
    #expect(Set(ids).count == 3)
    for i in s.panes.indices {
      s.panes[i] = ExplorerFixtures.state().panes[0].with(id: ids[i])
    }
    // Close the middle pane: the engine is told which one, by identity.
    s.focus = 1
    #expect(press(&s, .character("x")) == [.dropPane(ids[1])])
    #expect(s.panes.map(\.id) == [ids[0], ids[2]])
    // Run all: one command per remaining pane, addressed by identity.
    #expect(press(&s, .character("A")) == [.attack(ids[0], .run), .attack(ids[2], .run)])
    // Results for the closed pane are ignored; the last pane's still land on it.
    _ = send(&s, .attackProgress(ids[1], generation: 1, ExplorerFixtures.attack(iteration: 299, running: true)))
    _ = send(&s, .attackProgress(ids[2], generation: 1, ExplorerFixtures.attack(iteration: 140, running: true)))
    #expect(s.panes.map { $0.attack?.iteration } == [120, 140])
  }

  @Test func compareViewAddsAndRemovesPanes() {
    var s = ExplorerFixtures.state()
    let effects = press(&s, .character("c"))
    #expect(s.screen == .compare && s.panes.count == 2)
    #expect(effects.contains { if case .analyze(let id, _, _) = $0 { return id == s.panes[1].id } else { return false } })
    _ = press(&s, .character("o"), .character("o"))
    #expect(s.panes.count == 4)
    _ = press(&s, .character("o"))
    #expect(s.panes.count == 4 && s.message?.text == "at most 4 panes")
    #expect(press(&s, .tab).isEmpty && s.focus == 0)
    let first = s.panes[0].id
    #expect(press(&s, .character("x")) == [.dropPane(first)])
    #expect(s.panes.count == 3)
  }

  @Test func sampleBrowserLoadsMovesAndChooses() {
    var s = ExplorerFixtures.state()
    #expect(press(&s, .character("s")) == [.loadDataset("digits")])
    _ = send(&s, .datasetLoaded(name: "digits", ExplorerFixtures.digits))
    _ = press(&s, .right, .right)
    guard case .samples(let browser)? = s.overlay else { Issue.record("browser not open"); return }
    #expect(browser.selection == 5)
    let effects = press(&s, .enter)
    #expect(s.scenario.sample == "digits:5" && s.overlay == nil)
    #expect(effects.contains { if case .analyze(_, _, let sc) = $0 { return sc.sample == "digits:5" } else { return false } })
    // The old victim is gone until the new one is loaded.
    #expect(s.panes[0].victim == nil && s.panes[0].attack == nil && s.panes[0].report == nil)
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
    _ = press(&s, .control("c"))
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

  @Test func trainingShowsItsProgress() {
    var scenario = Scenario()
    scenario.weights = .trained(seed: 0)
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: [])
    guard case .analyze(let id, let gen, let sc)? = s.start().first else { Issue.record("no analysis"); return }
    #expect(sc.weights == .trained(seed: 0))
    _ = send(&s, .trainingProgress(id, generation: gen, TrainingProgress(epoch: 2, epochs: 5, batch: 25, batches: 50)))
    #expect(s.panes[0].phase == .training(TrainingProgress(epoch: 2, epochs: 5, batch: 25, batches: 50)))
    let text = s.view(size: size, context: RenderContext(colorMode: .none, glyphs: .ascii), tick: 0).text
    #expect(text.contains("training the weights: epoch 2/5 30%") && text.contains("TRAINING 30%"))
  }

  @Test func exportCarriesTheConfigurationAndTheNumbersOnScreen() throws {
    var s = ExplorerFixtures.state(compare: true)
    s.panes[1].attack = ExplorerFixtures.attack(iteration: 0)
    let effects = press(&s, .character("e"))
    guard case .export(let request)? = effects.first else { Issue.record("no export"); return }
    #expect(request.configuration.panes == [.initializer(.uniform, seed: 0), .initializer(.kaiming, seed: 0)])
    #expect(request.configuration.compare)
    #expect(request.original == ExplorerFixtures.image())
    #expect(request.panes.map(\.name) == ["pane1-uniform", "pane2-kaiming"])
    #expect(request.panes[0].numbers["rank"] == 64 && request.panes[0].numbers["attack_iteration"] == 120)
    // An attack that never ran exports no attack numbers or image.
    #expect(request.panes[1].numbers["attack_rmse"] == nil && request.panes[1].reconstruction == nil)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-view-\(UUID().uuidString).json")
    try request.configuration.json(numbers: ["pane1": ["i2f_norm": 0.36]]).write(to: file)
    #expect(try ExplorerConfiguration.load(file.path) == request.configuration)
    try? FileManager.default.removeItem(at: file)
    #expect(throws: DataError.self) { try ExplorerConfiguration.load("/nonexistent/view.json") }
  }
}

extension PaneState {
  /// This pane's contents under another identity.
  func with(id: PaneID) -> PaneState {
    var p = PaneState(id: id, weights: weights)
    p.phase = phase
    p.victim = victim
    p.analysis = analysis
    p.report = report
    p.attack = attack
    p.attackGeneration = attackGeneration
    p.analysisGeneration = analysisGeneration
    return p
  }
}
