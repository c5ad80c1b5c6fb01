import Foundation
import Testing
@testable import Explorer
@testable import Leakage
@testable import Studies

/// The results screen's pure parts: the list of a sweep's runs (last row per id, sorting,
/// filtering, paging) and opening a run in the main view.
@Suite("Explorer results list")
struct ResultsListTests {
  let now = ContinuousClock.now
  let size = Size(width: 140, height: 42)

  func press(_ s: inout ExplorerState, _ keys: Key..., size: Size? = nil) -> [ExplorerEffect] {
    keys.flatMap { s.update(.key($0), now: now, screen: size ?? self.size) }
  }

  /// The shown runs as `sample/init` (`0u` is digits:0 with uniform).
  static func shown(_ list: ResultsList?) -> [String] {
    guard let list else { return [] }
    return list.order.map { i in
      let e = list.entries[i]
      return e.text(.sample).replacingOccurrences(of: "digits:", with: "") + (e.text(.initialization).hasPrefix("kaiming") ? "k" : "u")
    }
  }

  @Test func theLastRowOfEachIdIsListedAndErrorsShowTheirError() throws {
    let rows = try ResultsFixtures.rows()
    let list = try ResultsFixtures.list()
    #expect(rows.count == 9 && list.entries.count == 8)
    // digits:1 with uniform failed, then succeeded when retried: the retry is listed.
    let retried = try #require(list.entries.first { $0.text(.sample) == "digits:1" && $0.text(.initialization) == "uniform s0" })
    #expect(!retried.isError && retried.number(.achieved) == 0.009 && retried.text(.status) == "converged")
    let failed = try #require(list.entries.first { $0.isError })
    #expect(failed.text(.status) == "error: the attack diverged at iteration 7 (objective nan)")
    #expect(failed.text(.achieved) == "—" && failed.text(.label) == "—")
    #expect(list.errorCount == 1)
    #expect(retried.text(.predicted) == "1.00e-02" && retried.text(.label) == "1" && retried.text(.attack) == "dlg")
  }

  @Test func ordersCycleFromTheWorstProtectedRunAndMissingValuesGoLast() throws {
    var list = try ResultsFixtures.list()
    #expect(list.sort == ResultsSort(.achieved))
    #expect(Self.shown(list) == ["1u", "3u", "1k", "3k", "0u", "0k", "2u", "2k"])
    list.cycleSort()
    #expect(list.sort == ResultsSort(.predicted) && Self.shown(list) == ["1u", "1k", "3u", "2u", "0u", "3k", "0k", "2k"])
    list.cycleSort()
    #expect(Self.shown(list) == ["0k", "0u", "3k", "2u", "1k", "3u", "1u", "2k"])
    list.cycleSort()
    #expect(list.sort == ResultsSort(.sample) && Self.shown(list) == ["0u", "0k", "1u", "1k", "2u", "2k", "3u", "3k"])
    list.cycleSort()
    #expect(list.sort == ResultsSort(nil) && Self.shown(list) == ["0u", "0k", "1u", "1k", "2u", "2k", "3u", "3k"])
    list.cycleSort()
    #expect(list.sort == ResultsSort(.achieved))
    // The selected run stays selected when the order changes.
    list.move(by: 2, rows: 10)
    let id = list.selected?.row.id
    list.cycleSort()
    #expect(list.selected?.row.id == id && list.selection == 1)
  }

  @Test func samplesSortWithTheirNumbersInNumericOrder() {
    #expect(ResultsList.naturalLess("digits:2", "digits:10"))
    #expect(!ResultsList.naturalLess("digits:10", "digits:2"))
    #expect(ResultsList.naturalLess("digits:9", "faces:0"))
    #expect(ResultsList.naturalLess("digits:1", "digits:1-3"))
    #expect(!ResultsList.naturalLess("digits:02", "digits:2") && !ResultsList.naturalLess("digits:2", "digits:02"))
  }

  @Test func numberKeysSortByTheColumnsOnScreenAndAgainReverse() throws {
    var s = try ResultsFixtures.state()
    let columns = try #require(s.results?.columns(width: ExplorerLayout.results(size: size).table.width)).map(\.column)
    // Model, noise and attack are the same in every run: the title names them, the table leaves them out.
    #expect(columns == [.sample, .label, .initialization, .predicted, .expected, .achieved, .status])
    #expect(s.results?.constants.map(\.text) == ["convnet5", "gaussian:0.001", "dlg"])
    _ = press(&s, .character("3"))
    #expect(s.results?.sort == ResultsSort(.initialization))
    #expect(Self.shown(s.results) == ["0k", "1k", "2k", "3k", "0u", "1u", "2u", "3u"])
    _ = press(&s, .character("3"))
    #expect(s.results?.sort == ResultsSort(.initialization, descending: true))
    #expect(Self.shown(s.results) == ["0u", "1u", "2u", "3u", "0k", "1k", "2k", "3k"])
    _ = press(&s, .character("9"))
    #expect(s.results?.sort == ResultsSort(.initialization, descending: true))
    _ = press(&s, .character("o"))
    #expect(s.results?.sort == ResultsSort(.achieved))
  }

  @Test func narrowScreensDropTheLeastUsefulColumnsFirst() throws {
    let list = try ResultsFixtures.list()
    let narrow = list.columns(width: ExplorerLayout.results(size: Size(width: 80, height: 24)).table.width).map(\.column)
    #expect(narrow.first == .sample && narrow.last == .status && narrow.contains(.achieved) && narrow.contains(.predicted))
    let widths = list.columns(width: 60)
    #expect(widths.reduce(ResultsList.margin) { $0 + $1.width + ResultsList.gap } - ResultsList.gap <= 60)
  }

  @Test func typingFiltersTheRunsAndEscClearsTheFilter() throws {
    var s = try ResultsFixtures.state()
    _ = press(&s, .character("/"), .character("k"), .character("a"), .character("i"))
    #expect(s.results?.isFiltering == true && s.results?.filter == "kai")
    #expect(Self.shown(s.results) == ["1k", "3k", "0k", "2k"])
    // Terms narrow each other; the id, the error and the details are searched too.
    _ = press(&s, .character(" "), .character("d"), .character("i"), .character("v"))
    #expect(Self.shown(s.results) == ["2k"])
    _ = press(&s, .backspace, .backspace, .backspace, .backspace)
    #expect(s.results?.filter == "kai" && s.results?.order.count == 4)
    // Arrows still move while typing; q is a letter of the filter, not quit.
    _ = press(&s, .down, .character("q"))
    #expect(!s.quit && s.results?.filter == "kaiq" && s.results?.order.isEmpty == true)
    let text = s.view(size: size, context: .plainASCII).text
    #expect(text.contains("no run matches 'kaiq'") && text.contains("0 of 8 runs"))
    _ = press(&s, .escape)
    #expect(s.results?.isFiltering == false && s.results?.filter == "" && s.results?.order.count == 8)
    #expect(s.screen == .results)
  }

  @Test func pagesMoveByAScreenOfRuns() throws {
    let rows: [ResultRow] = (0..<60).map { k in
      let point = SweepPoint(configuration: [("sample", .string("digits:\(k)")), ("model", .string("convnet5")), ("init", .string("uniform")),
                                             ("seed", .integer(0)), ("noise", .string("gaussian:0.001")), ("attack", .string("none"))])
      return ResultRow.make(point: point, numbers: ResultsFixtures.numbers(label: k % 10, predicted: 0.001 * Double(k + 1), expected: 0.002, achieved: nil),
                            failure: nil, provenance: ResultsFixtures.provenance)
    }
    var s = ExplorerFixtures.state()
    s.results = ResultsList(path: "big.jsonl", rows: rows)
    s.screen = .results
    let small = Size(width: 80, height: 24)
    let page = ExplorerLayout.results(size: small).visibleRows
    #expect(page >= 10)
    _ = press(&s, .pageDown, size: small)
    #expect(s.results?.selection == page && s.results?.visibleOffset(rows: page) == 1)
    _ = press(&s, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, size: small)
    #expect(s.results?.selection == 59 && s.results?.visibleOffset(rows: page) == 60 - page)
    _ = press(&s, .pageUp, size: small)
    #expect(s.results?.selection == 59 - page && s.results?.visibleOffset(rows: page) == 59 - page)
    _ = press(&s, .home, size: small)
    #expect(s.results?.selection == 0 && s.results?.visibleOffset(rows: page) == 0)
    _ = press(&s, .character("G"), size: small)
    #expect(s.results?.selection == 59)
    _ = press(&s, .character("k"), .up, size: small)
    #expect(s.results?.selection == 57)
    // The achieved RMSE is missing everywhere (no attack), so its column is not shown and the
    // worst protected runs are those I2F predicts (here in file order); o skips that column.
    #expect(s.results?.columns(width: 78).contains { $0.column == .achieved } == false)
    #expect(s.results?.sort == ResultsSort(.predicted) && s.results?.orders.contains(ResultsSort(.achieved)) == false)
    #expect(s.results?.selected?.text(.sample) == "digits:57")
    let text = s.view(size: small, context: .plainASCII).text
    #expect(text.contains("digits:57") && text.contains("run 58/60") && text.contains("I2F only"))
  }

  @Test func enterOpensTheRunAsTheSweepRanItAndEscReturnsToTheList() throws {
    let point = SweepPoint(configuration: [
      ("sample", .string("digits:5")), ("model", .string("mlp")), ("width", .integer(64)), ("normalize", .string("mnist")),
      ("space", .string("model")), ("init", .string("kaiming")), ("seed", .integer(2)), ("noise", .string("gaussian:0.01")),
      ("ridge", .string("1e-4x")), ("analysis_method", .string("dense")), ("attack", .string("ig")), ("iterations", .integer(50)),
    ])
    let row = ResultRow.make(point: point, numbers: ResultsFixtures.numbers(label: 5, predicted: 0.1, expected: 0.1, achieved: 0.2),
                             failure: nil, provenance: ResultsFixtures.provenance)
    var s = try ResultsFixtures.state(compare: true)
    s.screen = .results
    s.results = ResultsList(path: "runs.jsonl", rows: try ResultsFixtures.rows() + [row])
    let closed = s.panes[1].id, kept = s.panes[0].id
    _ = press(&s, .character("/"))
    for c in "w64" { _ = press(&s, .character(c)) }
    #expect(s.results?.order.count == 1)
    let effects = press(&s, .enter)

    let expected = try ScenarioExecutor.scenario(for: point)
    #expect(s.scenario == expected)
    #expect(s.scenario.model == .builtin(.mlp) && s.scenario.hiddenWidth == 64 && s.scenario.weights == .initializer(.kaiming, seed: 2))
    #expect(s.scenario.perturbation == .gaussian(sigma: 0.01) && s.scenario.ridge == .relative(1e-4) && s.scenario.method == .dense)
    #expect(s.scenario.space == .model && s.scenario.normalization == InputNormalization.presets["mnist"] && s.scenario.sample == "digits:5")
    #expect(s.attack.preset == "ig" && s.attack.iterations == 50 && s.attack.seed == 2)
    #expect(s.control.kind == .gaussian && s.control.sigma == 0.01)
    #expect(s.screen == .main && s.panes.map(\.id) == [kept] && s.panes[0].weights == .initializer(.kaiming, seed: 2))
    #expect(s.results?.opened == row.id && s.weightChoices.contains(.initializer(.kaiming, seed: 2)))
    // The other pane's work is dropped; the run's analysis starts.
    #expect(effects.first == .dropPane(closed))
    guard case .analyze(let id, _, let analysed)? = effects.last else { Issue.record("no analysis: \(effects)"); return }
    #expect(id == kept && analysed == expected)
    #expect(s.message?.text.hasPrefix("Esc back to the list · run \(row.id): digits:5") == true)

    // The title says the numbers are in model space.
    let text = s.view(size: size, context: .plainASCII).text
    #expect(text.contains("model space") && text.contains("(z = (x−0.1307)/0.3081)"))
    // Esc goes back to the list, where the run is marked; Esc there goes to the main view.
    #expect(press(&s, .escape).isEmpty && s.screen == .results)
    #expect(s.view(size: size, context: .plainASCII).text.contains("> digits:5"))
    _ = press(&s, .escape)
    #expect(s.screen == .main)
  }

  @Test func aRunThatCannotBeOpenedSaysWhy() throws {
    let bad = try #require(ResultRow(try JSONValue.parse(
      #"{"id":"00000000000000ff","sample":"digits:0","model":"alexnet","init":"uniform","seed":0,"noise":"none","attack":"none","error":"unknown model"}"#,
      fileName: "-")))
    var s = ExplorerFixtures.state()
    s.results = ResultsList(path: "bad.jsonl", rows: [bad])
    s.screen = .results
    #expect(press(&s, .enter).isEmpty)
    #expect(s.screen == .results && s.message?.severity == .error)
    #expect(s.message?.text.hasPrefix("run 00000000000000ff cannot be opened: unknown model 'alexnet'") == true)
  }

  @Test func aRowTheSweepWroteReopensAsItsPoint() throws {
    for point in try ResultsFixtures.points() {
      let row = ResultRow.make(point: point, numbers: ResultsFixtures.numbers(label: 1, predicted: 0.1, expected: 0.1, achieved: 0.1),
                               failure: nil, provenance: ResultsFixtures.provenance)
      let reopened = SweepPoint(row: row)
      #expect(reopened == point && reopened.id == row.id)
    }
  }

  @Test func rReadsTheResultFileAndErrorsGoToTheStatusBar() throws {
    var s = ExplorerFixtures.state()
    #expect(press(&s, .character("R")).isEmpty)
    #expect(s.message?.text == "no result file: start i2f explore with --results FILE")
    s.resultsPath = "runs.jsonl"
    #expect(press(&s, .character("R")) == [.loadResults(path: "runs.jsonl")])
    #expect(s.screen == .main)
    _ = s.update(.resultsFailed(path: "runs.jsonl", message: "runs.jsonl:3: not JSON (…); fix or delete that line"), now: now, screen: size)
    #expect(s.screen == .main && s.message?.severity == .error && s.message?.text.hasPrefix("runs.jsonl:3: not JSON") == true)
    _ = s.update(.resultsLoaded(try ResultsFixtures.file(try ResultsFixtures.rows())), now: now, screen: size)
    #expect(s.screen == .results && s.results?.entries.count == 8 && s.message?.text == "8 runs in runs.jsonl")
    // Again: the list shows at once and is read again, keeping the selected run.
    _ = press(&s, .down, .down, .character("c"))
    #expect(s.screen == .compare)
    let selected = s.results?.selected?.row.id
    #expect(press(&s, .character("R")) == [.loadResults(path: "runs.jsonl")] && s.screen == .results)
    _ = s.update(.resultsLoaded(try ResultsFixtures.file(Array(try ResultsFixtures.rows().reversed()))), now: now, screen: size)
    #expect(s.results?.selected?.row.id == selected)
  }

  /// A torn last line (a run cut off mid-write) is left out of the list, and the title and the
  /// status bar say so.
  @Test func aTornLastLineIsSkippedWithANote() throws {
    let rows = try ResultsFixtures.rows()
    var s = ExplorerFixtures.state()
    s.resultsPath = "runs.jsonl"
    let file = try ResultsFixtures.file(rows, torn: #"{"id":"00000000000000aa","sample":"dig"#)
    _ = s.update(.resultsLoaded(file), now: now, screen: size)
    #expect(s.results?.entries.count == 8 && s.results?.tornBytes == 38)
    #expect(s.message?.severity == .warning)
    #expect(s.message?.text == "8 runs in runs.jsonl; a torn last line (38 bytes, a run cut off mid-write) is not listed")
    #expect(s.view(size: size, context: .plainASCII).text.contains("torn last line skipped"))
    // A complete file has no note.
    _ = s.update(.resultsLoaded(try ResultsFixtures.file(rows)), now: now, screen: size)
    #expect(s.results?.tornBytes == 0 && s.message?.severity == .info)
    #expect(!s.view(size: size, context: .plainASCII).text.contains("torn"))
  }
}
