import Foundation
import Testing
@testable import Explorer
@testable import Leakage

/// The engine with real numbers: an analysis, an evaluation and attack steps on a digit, driven
/// the way the main loop drives it.
@Suite("Explorer engine")
struct ExplorerEngineTests {
  static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Samples")

  /// Feeds engine results into the state until `done` holds. The limit is generous: under a
  /// loaded test run this task itself may wait long for a thread; what was delivered meanwhile is
  /// drained before the limit is checked.
  func pump(_ s: inout ExplorerState, _ engine: ExplorerEngine, until done: (ExplorerState) -> Bool) async throws {
    let deadline = Date().addingTimeInterval(600)
    while true {
      for event in engine.drain() {
        for effect in s.update(event, now: .now, screen: Size(width: 140, height: 42)) { engine.perform(effect) }
      }
      if done(s) { return }
      #expect(Date() < deadline, "engine did not deliver in time")
      if Date() >= deadline { return }
      try await Task.sleep(for: .milliseconds(10))
    }
  }

  @Test func analysisEvaluationAndAttackArriveAsEvents() async throws {
    var scenario = Scenario()
    scenario.model = .builtin(.mlp)
    scenario.hiddenWidth = 16
    scenario.sample = "digits:3"
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    for e in s.start() { engine.perform(e) }
    try await pump(&s, engine) { $0.panes[0].report != nil && $0.panes[0].attack != nil }
    let report = try #require(s.panes[0].report)
    // The numbers are those of the headless engine for the same scenario.
    let analysis = try scenario.analysis(of: try scenario.victim(using: SampleCatalogue(samplesDirectory: Self.samples)))
    let direct = try s.scenario(forPane: 0).evaluate(analysis)
    #expect(Swift.abs(report.i2fNorm! - direct.i2fNorm!) <= 1e-12 * direct.i2fNorm!)
    #expect(s.panes[0].attack?.iteration == 0)

    // Five single steps arrive as snapshots.
    for e in [ExplorerEffect.attack(pane: 0, .step(5))] { engine.perform(e) }
    try await pump(&s, engine) { ($0.panes[0].attack?.iteration ?? 0) >= 5 }
    #expect(s.panes[0].attack?.iteration == 5)

    // A new σ re-evaluates and restarts the attack at iteration 0.
    for e in s.update(.key(.right), now: .now, screen: Size(width: 140, height: 42)) { engine.perform(e) }
    try await pump(&s, engine) { !$0.panes[0].evaluating && $0.panes[0].attack?.iteration == 0 }
    #expect(try #require(s.panes[0].report?.i2fNorm) > report.i2fNorm!)

    // Export writes images and a configuration that loads back.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-export-test-\(UUID().uuidString)")
    let config = ExplorerConfiguration(scenario: s.scenario, control: s.control, attack: s.attack, panes: s.panes.map(\.weights),
                                       compare: false, targetRMSE: 0.1)
    engine.perform(.export(ExplorerSnapshotRequest(configuration: config, directory: dir.path)))
    var exported = false
    let deadline = Date().addingTimeInterval(30)
    while !exported && Date() < deadline {
      for e in engine.drain() { if case .exported = e { exported = true } }
      try await Task.sleep(for: .milliseconds(10))
    }
    #expect(exported)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(files.contains("view.json") && files.contains("original.png") && files.contains { $0.hasSuffix("-i2f.png") })
    #expect(try ExplorerConfiguration.load(dir.appendingPathComponent("view.json").path) == config)
    try? FileManager.default.removeItem(at: dir)
  }

  @Test func badSampleFailsThePaneWithAMessage() async throws {
    var scenario = Scenario()
    scenario.sample = "digits:99999"
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: ["digits"])
    let engine = ExplorerEngine(catalogue: SampleCatalogue(samplesDirectory: Self.samples))
    defer { engine.shutdown() }
    for e in s.start() { engine.perform(e) }
    try await pump(&s, engine) { if case .failed = $0.panes[0].analysis { return true } else { return false } }
    #expect(s.message?.text.contains("99999") ?? false)
  }
}
