import Foundation
import Testing
@testable import Explorer
@testable import Leakage
@testable import Studies

/// The engine with real numbers: analyses, evaluations and attacks on a digit, driven the way the
/// main loop drives it. The engine is main-actor isolated, so these tests run there too.
@Suite("Explorer engine")
@MainActor
struct ExplorerEngineTests {
  static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Samples")
  let size = Size(width: 140, height: 42)

  /// A small, quick scenario: an mlp of width 16 on one digit.
  static var scenario: Scenario {
    var s = Scenario()
    s.model = .builtin(.mlp)
    s.hiddenWidth = 16
    s.sample = "digits:3"
    return s
  }

  /// Runs the main loop's cycle — engine results into the state, effects into the engine —
  /// until `done` holds. Generous limit (the suite runs beside other heavy work); `log` records
  /// every event and effect.
  func pump(
    _ s: inout ExplorerState, _ engine: ExplorerEngine, effects initial: [ExplorerEffect] = [], log: inout [String],
    until done: (ExplorerState) -> Bool
  ) async throws {
    for e in initial { engine.perform(e) }
    let deadline = Date().addingTimeInterval(600)
    while true {
      for event in engine.drain() {
        log.append(Self.name(event))
        for effect in s.update(event, now: .now, screen: size) {
          log.append(Self.name(effect))
          engine.perform(effect)
        }
      }
      // Judged after draining: a starved test task may wake late to results that did arrive.
      if done(s) { return }
      guard Date() < deadline else {
        Issue.record("engine did not deliver in time")
        return
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }

  func pump(_ s: inout ExplorerState, _ engine: ExplorerEngine, effects: [ExplorerEffect] = [], until done: (ExplorerState) -> Bool) async throws {
    var log: [String] = []
    try await pump(&s, engine, effects: effects, log: &log, until: done)
  }

  func press(_ s: inout ExplorerState, _ engine: ExplorerEngine, _ key: Key) {
    for effect in s.update(.key(key), now: .now, screen: size) { engine.perform(effect) }
  }

  static func name(_ e: ExplorerEvent) -> String {
    switch e {
    case .victimLoaded: "victim"
    case .analysisStage(_, _, let s): "stage \(s.method)"
    case .evaluated(_, _, let r): "evaluated \(r.method)"
    case .attackProgress(_, _, let a): "attack \(a.iteration)"
    case .trainingProgress: "training"
    default: "\(e)".prefix(while: { $0 != "(" }).description
    }
  }

  static func name(_ e: ExplorerEffect) -> String {
    switch e {
    case .analyze: "ANALYZE"
    case .evaluate: "EVALUATE"
    case .prepareAttack: "PREPARE-ATTACK"
    default: "\(e)".prefix(while: { $0 != "(" }).description
    }
  }

  @Test func stagesArriveInOrderAndTheAttackStartsFromTheFirst() async throws {
    let scenario = Self.scenario
    // l2adam takes one iteration per step (DLG's steps are up to 20 L-BFGS iterations, and it
    // finishes a digit in a few).
    var s = ExplorerState(scenario: scenario, attack: .l2adam, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    var log: [String] = []
    try await pump(&s, engine, effects: s.start(), log: &log) {
      $0.panes[0].phase == .complete && !$0.panes[0].evaluating && $0.panes[0].report?.method == "dense" && $0.panes[0].attack != nil
    }
    // The victim first, then each stage, each evaluated; one attack for all of them.
    let stages = log.filter { $0.hasPrefix("victim") || $0.hasPrefix("stage") }
    #expect(stages == ["victim", "stage products only", "stage λmax only", "stage dense"], "\(log)")
    #expect(log.filter { $0 == "EVALUATE" }.count == 3)
    #expect(log.filter { $0 == "PREPARE-ATTACK" }.count == 1)
    #expect(log.firstIndex(of: "PREPARE-ATTACK")! < log.firstIndex(of: "stage λmax only")!)
    // The numbers are those of the pipeline for the same scenario.
    let report = try #require(s.panes[0].report)
    let catalogue = SampleCatalogue(samplesDirectory: Self.samples)
    let direct = try s.scenario(forPane: 0).evaluate(try scenario.analysis(of: try scenario.victim(using: catalogue)))
    #expect(Swift.abs(report.i2fNorm! - direct.i2fNorm!) <= 1e-12 * direct.i2fNorm!)
    #expect(report.delta == direct.delta)
    #expect(s.panes[0].attack?.iteration == 0)

    // Five single steps arrive as snapshots.
    engine.perform(.attack(s.panes[0].id, .step(5)))
    try await pump(&s, engine) { ($0.panes[0].attack?.iteration ?? 0) >= 5 }
    #expect(s.panes[0].attack?.iteration == 5)

    // A new σ re-evaluates and restarts the attack at iteration 0.
    press(&s, engine, .right)
    try await pump(&s, engine) { !$0.panes[0].evaluating && $0.panes[0].attack?.iteration == 0 }
    #expect(try #require(s.panes[0].report?.i2fNorm) > report.i2fNorm!)

    // Export writes what the state holds; its configuration loads back.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-export-test-\(UUID().uuidString)")
    let request = s.exportRequest(directory: dir.path)
    engine.perform(.export(request))
    try await pump(&s, engine) { $0.message?.text.hasPrefix("exported to") == true }
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(files.contains("view.json") && files.contains("original.png") && files.contains { $0.hasSuffix("-i2f.png") })
    #expect(try ExplorerConfiguration.load(dir.appendingPathComponent("view.json").path) == request.configuration)
    try? FileManager.default.removeItem(at: dir)
  }

  /// Quitting right after an export, while an attack runs: shutdown lets the export be written
  /// and the attack thread end before it returns (the explorer exits after that, or its grace).
  @Test func shutdownLetsTheWorkInFlightEnd() async throws {
    var s = ExplorerState(scenario: Self.scenario, attack: .l2adam, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    try await pump(&s, engine, effects: s.start()) { $0.panes[0].attack != nil }
    engine.perform(.attack(s.panes[0].id, .finish))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-export-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    engine.perform(.export(s.exportRequest(directory: dir.path)))
    #expect(engine.shutdown(grace: .seconds(300)), "work still in flight after shutdown")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("view.json").path))
  }

  @Test func aSecondVisitReusesTheCachedStages() async throws {
    var s = ExplorerState(scenario: Self.scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    try await pump(&s, engine, effects: s.start()) { $0.panes[0].phase == .complete }
    let first = try #require(s.panes[0].analysis)
    // Another sample, then back: the complete analysis comes from the cache (same build time).
    for sample in ["digits:4", "digits:3"] {
      s.scenario.sample = sample
      try await pump(&s, engine, effects: s.reanalyze(0)) { $0.panes[0].phase == .complete }
    }
    let again = try #require(s.panes[0].analysis)
    #expect(again.seconds == first.seconds && again.eigenvalues == first.eigenvalues)
  }

  /// Three panes attack at once; closing the first, middle or last one leaves the others running
  /// to their end.
  @Test(arguments: [0, 1, 2]) func closingAPaneLeavesTheOthersRunning(_ closed: Int) async throws {
    var attack = AttackConfiguration.dlg
    attack.iterations = 40
    var s = ExplorerState(scenario: Self.scenario, attack: attack, compare: [.initializer(.xavier, seed: 0), .initializer(.kaiming, seed: 0)],
                          weightChoices: [], datasetNames: ["digits"])
    s.screen = .compare
    s.speed = AttackSpeed.levels.count - 1
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    try await pump(&s, engine, effects: s.start()) { $0.panes.allSatisfy { $0.attack != nil } }
    let speed = s.panes.map { ExplorerEffect.attack($0.id, .speed(nil)) }
    try await pump(&s, engine, effects: speed) { _ in true }
    press(&s, engine, .character("A"))
    try await pump(&s, engine) { $0.panes.allSatisfy { $0.attack?.isRunning == true || $0.attack?.finished == true } }
    let survivors = s.panes.map(\.id).enumerated().filter { $0.offset != closed }.map(\.element)
    s.focus = closed
    press(&s, engine, .character("x"))
    #expect(s.panes.map(\.id) == survivors)
    try await pump(&s, engine) { $0.panes.allSatisfy { $0.attack?.finished == true } }
    for pane in s.panes {
      #expect(pane.attack?.isRunning == false && (pane.attack?.iteration ?? 0) > 0, "\(pane.id): \(String(describing: pane.attack?.status))")
    }
  }

  @Test func trainedWeightsAreTrainedOnceWithProgress() async throws {
    let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-trained-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cacheDirectory) }
    var scenario = Self.scenario
    scenario.weights = .trained(seed: 3)
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples),
                                trainedWeights: TrainedWeightsCache(directory: cacheDirectory))
    defer { engine.shutdown() }
    var log: [String] = []
    try await pump(&s, engine, effects: s.start(), log: &log) { $0.panes[0].victim != nil }
    #expect(log.first == "training")
    #expect(s.panes[0].victim?.weights.hasPrefix("trained on digits") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).count == 1)
  }

  @Test func badSampleFailsThePaneWithAMessage() async throws {
    var scenario = Scenario()
    scenario.sample = "digits:99999"
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    try await pump(&s, engine, effects: s.start()) { if case .failed = $0.panes[0].phase { return true } else { return false } }
    #expect(s.message?.text.contains("99999") ?? false)
  }

  /// The matrix-free path reports its phases, which the pane keeps with their times.
  @Test func matrixFreePhasesArriveAsSteps() async throws {
    var scenario = Self.scenario
    scenario.method = .matrixFree
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    try await pump(&s, engine, effects: s.start()) { $0.panes[0].phase == .complete }
    let steps = s.panes[0].spectrumSteps
    #expect(steps.map { $0.text.prefix(while: { $0 != ":" }) } == ["Lanczos", "Hutch++"], "\(steps)")
    #expect(steps.allSatisfy { $0.ended != nil && $0.ended! >= $0.started })
    #expect(s.panes[0].analysis?.method == "matrix-free")
  }

  /// A model file that does not load fails its pane with the loader's message, naming the file.
  @Test func aBogusModelFileFailsThePaneWithTheLoadersError() async throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-bogus-\(UUID().uuidString).onnx")
    try Data("not a model".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    var scenario = Self.scenario
    scenario.model = .onnx(file.path)
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    try await pump(&s, engine, effects: s.start()) { $0.panes[0].failure != nil }
    let failure = try #require(s.panes[0].failure)
    #expect(failure.contains(file.lastPathComponent) && !failure.contains("\n"), "\(failure)")
    #expect(s.message?.text == failure)
  }

  @Test func resultFilesAreReadOffTheMainThread() async throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-results-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    let rows = try ResultsFixtures.rows()
    try Data(rows.map { $0.line + "\n" }.joined().utf8).write(to: file)
    var s = ExplorerFixtures.state()
    s.resultsPath = file.path
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    press(&s, engine, .character("R"))
    try await pump(&s, engine) { $0.results != nil }
    #expect(s.screen == .results && s.results?.entries.count == 8 && s.results?.path == file.path)
    // A line that is not a row: the status bar names the file and the line.
    try Data((rows[0].line + "\n{oops\n").utf8).write(to: file)
    press(&s, engine, .character("R"))
    try await pump(&s, engine) { $0.message?.severity == .error }
    #expect(s.message?.text.hasPrefix("\(file.path):2: not JSON") == true, "\(s.message?.text ?? "")")
    #expect(s.results?.entries.count == 8)
  }
}
