import Foundation
import Leakage
import Testing

@testable import Studies

@Suite("Sweep plans: expansion, canonical values, stable ids")
struct SweepPlanTests {
  @Test func fnvMatchesItsPublishedTestVectors() {
    #expect(SweepPoint.hash("") == "cbf29ce484222325")
    #expect(SweepPoint.hash("a") == "af63dc4c8601ec8c")
    #expect(SweepPoint.hash("foobar") == "85944171f73967e8")
  }

  @Test func idsAreTheHashOfTheSortedCanonicalConfiguration() throws {
    let p = try #require(try points(["samples": "digits:0"]).first)
    #expect(p.canonicalJSON == #"{"attack":"none","init":"uniform","model":"convnet5","noise":"gaussian:0.001","sample":"digits:0","seed":0}"#)
    #expect(p.id == SweepPoint.hash(p.canonicalJSON))
    // Pinned: changing the id scheme would orphan every existing result file.
    #expect(p.id == "a3b3a2fb5199a8db")
  }

  @Test func equalConfigurationsSpelledDifferentlyShareAnId() throws {
    let a = try points(["samples": "digits:007", "noises": "Gaussian:1e-3", "models": "ConvNet5", "inits": "UNIFORM"])
    let b = try points(["samples": "DIGITS:7", "noises": "gaussian:0.001", "models": "convnet5", "inits": "uniform"])
    #expect(a.map(\.id) == b.map(\.id))
    // And duplicates within one plan collapse.
    #expect(try points(["samples": "digits:1", "noises": "gaussian:1e-3,gaussian:0.0010,prune:0.5"]).count == 2)
  }

  @Test func expansionOrderHasTheFirstFieldVaryingSlowest() throws {
    let p = try points(["samples": "digits:0-1", "inits": "uniform,kaiming", "noises": "none,prune:0.5"])
    #expect(p.count == 8)
    #expect(p.map(\.sample) == ["digits:0", "digits:0", "digits:0", "digits:0", "digits:1", "digits:1", "digits:1", "digits:1"])
    #expect(p.prefix(4).map(\.initialization) == ["uniform", "uniform", "kaiming", "kaiming"])
    #expect(p.prefix(2).map(\.noise) == ["none", "prune:0.5"])
    #expect(Set(p.map(\.id)).count == 8)
  }

  @Test func iterationsOfNoAttackAreDroppedSoTheyDoNotMultiplyRuns() throws {
    let p = try points(["samples": "digits:0", "attacks": "none,dlg", "iterations": "10,20"])
    #expect(p.map(\.attack) == ["none", "dlg", "dlg"])
    #expect(p.map(\.iterations) == [nil, 10, 20])
  }

  @Test func optionalFieldsStayOutOfIdsUntilSet() throws {
    let plain = try points(["samples": "digits:0"])
    let widened = try points(["samples": "digits:0", "widths": "32"])
    #expect(plain[0]["width"] == nil && widened[0]["width"] == .integer(32))
    #expect(plain[0].id != widened[0].id)
    #expect(!plain[0].canonicalJSON.contains("width"))
  }

  @Test func sampleRangesMeanOneRunPerItemEvenBeyondABatch() throws {
    #expect(try SampleExpansion.expand("mnist:0-1999").count == 2000)
    #expect(try SampleExpansion.expand("digits:3,5-6,9") == ["digits:3", "digits:5", "digits:6", "digits:9"])
    #expect(try SampleExpansion.expand("photos:chelsea,coffee") == ["photos:chelsea", "photos:coffee"])
    #expect(try SampleExpansion.expand("batch:digits:0-3") == ["batch:digits:0-3"])
    #expect(try SampleExpansion.expand("data/batch.safetensors") == ["data/batch.safetensors"])
    #expect(try SampleExpansion.expand("data/batch.safetensors:1-2") == ["data/batch.safetensors:1", "data/batch.safetensors:2"])
    #expect(throws: SweepPlanError.self) { try SampleExpansion.expand("digits:5-3") }
    #expect(throws: SweepPlanError.self) { try SampleExpansion.expand("nosuchset:1") }
  }

  @Test func commandLineListsKeepSampleItemListsTogether() throws {
    var plan = SweepPlan()
    try plan.set("samples", commandLine: ["digits:0,5,mnist:3", "photos:chelsea,coffee"])
    #expect(plan.entries["samples"] == [.string("digits:0,5"), .string("mnist:3"), .string("photos:chelsea,coffee")])
    #expect(try plan.points().map(\.sample) == ["digits:0", "digits:5", "mnist:3", "photos:chelsea", "photos:coffee"])
  }

  @Test func planFilesRoundTripAndAcceptSingleValues() throws {
    let text = #"{"samples": "digits:0-2", "inits": ["uniform", "xavier"], "seeds": ["0-1"], "noises": ["gaussian:1e-3"], "attacks": ["dlg"], "iterations": [50]}"#
    let plan = try SweepPlan(json: JSONValue.parse(text, fileName: "plan.json"), file: "plan.json")
    let points = try plan.points()
    #expect(points.count == 3 * 2 * 2)
    let again = try SweepPlan(json: JSONValue.parse(plan.fileText(), fileName: "printed"), file: "printed")
    #expect(try again.points() == points)
  }

  @Test func errorsNameTheFieldAndTheProblem() throws {
    func message(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    let unknown = message { _ = try SweepPlan(json: JSONValue.parse(#"{"samples": ["digits:0"], "noise": ["none"]}"#, fileName: "p.json"), file: "p.json") }
    #expect(unknown.contains("p.json") && unknown.contains("unknown plan field \"noise\"") && unknown.contains("did you mean \"noises\""))
    #expect(message { _ = try SweepPlan(json: .object([("modles", .string("mlp"))]), file: "q.json") }.contains("did you mean \"models\""))
    #expect(message { var p = SweepPlan(); try p.set("models", commandLine: ["lenet7"]) }.contains("models: 'lenet7': unknown model"))
    #expect(message { var p = SweepPlan(); try p.set("noises", commandLine: ["gaussian:abc"]) }.contains("noises: 'gaussian:abc'"))
    #expect(message { var p = SweepPlan(); try p.set("seeds", to: [.integer(-1)]) }.contains("seeds: '-1': must be ≥ 0"))
    #expect(message { var p = SweepPlan(); try p.set("attacks", to: []) }.contains("attacks: the list is empty"))
    #expect(message { _ = try SweepPlan().points() }.contains("no samples given"))
    #expect(message { _ = try SweepPlan(json: .array([]), file: "r.json") }.contains("r.json: a plan is a JSON object"))
  }

  @Test func hugePlansAreRefusedBeforeExpanding() throws {
    var plan = SweepPlan()
    try plan.set("samples", commandLine: ["mnist:0-59999"])
    try plan.set("seeds", commandLine: ["0-99"])
    #expect(throws: SweepPlanError.tooManyPoints(6_000_000, limit: SweepPlan.pointLimit)) { try plan.points() }
  }

  @Test func manyRangesOfOneFieldAreRefusedOnceTheyExceedTheLimit() throws {
    // Each entry alone is within the limit; together they are not. Before, every entry was
    // expanded first (a small plan file could ask for billions of runs' worth of memory).
    let entries = Array(repeating: JSONValue.string("digits:0-59"), count: 100_000)
    #expect(throws: SweepPlanError.tooManyPoints(120, limit: 100)) { try SweepPlan.expand(entries, of: .samples, limit: 100) }
    var plan = SweepPlan()
    try plan.set("samples", commandLine: ["digits:0-9"])
    try plan.set("seeds", commandLine: ["0-4"])
    #expect(try plan.runCount() == 50 && plan.points().count == 50)
  }

  /// Validating and counting a plan builds no address: counts agree with the expansion, and a
  /// plan of millions of samples is counted (and printed) without building them.
  @Test func countsAgreeWithExpansionWithoutBuildingIt() throws {
    let entries = ["digits:0-9", "digits:3,5-7,9", "batch:digits:0-3", "photos:chelsea", "MNIST:0007-0012", "faces:1,1"]
    for e in entries {
      #expect(try SweepField.samples.valueCount(.string(e)) == SweepField.samples.expand(.string(e)).count, "\(e)")
    }
    #expect(try SweepField.seeds.valueCount(.string("3-9")) == 7)
    var plan = SweepPlan()
    try plan.set("samples", commandLine: ["mnist:0-4999999"])
    #expect(try plan.runCount() == 5_000_000)
    try plan.set("seeds", commandLine: ["0-1"])
    #expect(throws: SweepPlanError.tooManyPoints(10_000_000, limit: SweepPlan.pointLimit)) { try plan.runCount() }
  }
}
