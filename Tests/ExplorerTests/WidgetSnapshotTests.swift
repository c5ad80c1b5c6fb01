import Testing

@testable import Explorer

/// Every widget at two sizes, in colour with Unicode and without colour in ASCII.
@Suite struct WidgetSnapshotTests {
  static let sizes: [(Int, Int)] = [(44, 12), (20, 5)]

  private func check(_ widget: some Widget, _ name: String, _ width: Int, _ height: Int) {
    assertSnapshot(rendered(widget, width: width, height: height), named: "\(name)-\(width)x\(height)")
    assertSnapshot(
      rendered(widget, width: width, height: height, context: monoASCII), named: "\(name)-mono-\(width)x\(height)")
  }

  static let numbers = KeyValueTable(
    rows: [
      .heading("I2F"),
      .pair("‖J·δ‖", NumberFormat.scientific(0.0321, significantDigits: 3)),
      .pair("λmax", NumberFormat.scientific(1204, significantDigits: 3)),
      .pair("λmin", NumberFormat.scientific(2.9e-5, significantDigits: 3)),
      .pair("condition", NumberFormat.scientific(4.15e7, significantDigits: 2)),
      .separator,
      .pair(key: "RMSE", values: ["0.0412", "0.0398"], style: nil),
      .pair(key: "PSNR (dB)", values: ["27.7", "28.0"], style: nil),
      .blank,
      .pair("status", "converged", style: CellStyle(attributes: .underline)),
    ], columnHeadings: ["", ""])

  @Test(arguments: sizes) func keyValueTable(width: Int, height: Int) {
    check(Self.numbers, "table", width, height)
    let ranked = KeyValueTable(
      rows: [
        .pair(key: "kaiming", values: ["1", "2.1e-02", "1", "0.031"], style: nil),
        .pair(key: "xavier", values: ["2", "3.4e-02", "3", "0.052"], style: nil),
        .pair(key: "uniform (trained)", values: ["3", "8.0e-02", "2", "0.047"], style: nil),
      ], columnHeadings: ["#", "pred", "#", "RMSE"])
    check(ranked, "table-columns", width, height)
  }

  @Test func tableDropsValueColumnsBeforeCuttingNumbers() {
    let t = KeyValueTable(rows: [.pair(key: "condition", values: ["4.1e+07", "1.0e+00"], style: nil)])
    #expect(rendered(t, width: 27, height: 1).text == "condition  4.1e+07  1.0e+00")
    #expect(rendered(t, width: 20, height: 1).text == "condition  4.1e+07  ")
    #expect(rendered(t, width: 18, height: 1).text == "condition  4.1e+07")
    #expect(rendered(t, width: 12, height: 1).text == "co…  4.1e+07")
    // No room for any number: the label alone (cut), never a cut number.
    #expect(rendered(t, width: 5, height: 1).text == "cond…")
    #expect(t.preferredSize == Size(width: 27, height: 1))
  }

  @Test(arguments: sizes) func panel(width: Int, height: Int) {
    check(Panel(title: "Reconstruction", detail: "×2", footer: "it 137/500"), "panel", width, height)
    check(Panel(title: "Original", detail: "×2", isFocused: true), "panel-focused", width, height)
  }

  @Test(arguments: sizes) func progressAndSpinner(width: Int, height: Int) {
    check(ProgressBar(fraction: 0.57), "progress", width, 1)
    check(ProgressBar(fraction: 0.3, label: "Lanczos 36/120"), "progress-label", width, 1)
    check(ProgressBar(fraction: nil, label: "computing spectrum", tick: 3), "progress-indeterminate", width, 1)
    _ = height
  }

  @Test func progressEighths() {
    let canvas = rendered(ProgressBar(fraction: 0.5625, label: ""), width: 4, height: 1)
    #expect(canvas.text == "██▎·")
    #expect(rendered(ProgressBar(fraction: 2, label: ""), width: 3, height: 1).text == "███")
    #expect(rendered(ProgressBar(fraction: -1, label: ""), width: 3, height: 1).text == "···")
    #expect(Spinner.frame(tick: -1, glyphs: .ascii) == "\\")
  }

  static let hints = [
    KeyHint(keys: "Space", label: "run"), KeyHint(keys: "n", label: "step"), KeyHint(keys: "?", label: "help"),
  ]

  @Test(arguments: [(100, 1), (40, 1)]) func statusBar(width: Int, height: Int) {
    let summary = "convnet5 · uniform · MNIST #3 · gauss σ=1.0e-02"
    check(
      StatusBar(mode: "RUNNING it 137/500", tone: .active, summary: summary, hints: Self.hints), "status-running",
      width, height)
    check(
      StatusBar(
        mode: "PAUSED", tone: .paused, summary: summary,
        message: StatusMessage("saved view to export/", severity: .success), hints: Self.hints),
      "status-message", width, height)
    check(
      StatusBar(mode: "ERROR", tone: .error, message: StatusMessage("model file is damaged", severity: .error)),
      "status-error", width, height)
  }

  @Test func statusMessagesExpire() {
    let now = ContinuousClock.now
    let m = StatusMessage.transient("hello", now: now)
    #expect(!m.isExpired(at: now))
    #expect(m.isExpired(at: now.advanced(by: .seconds(3))))
    #expect(!StatusMessage("sticky").isExpired(at: now.advanced(by: .seconds(1000))))
  }

  static var picker: ListPicker {
    var p = ListPicker(
      items: (0..<30).map { PickerItem("MNIST #\($0)", detail: "label \($0 % 10)") }
        + [PickerItem("trained.i2fw", detail: "", disabledReason: "needs convnet5")], selection: 2)
    _ = p.handle(.down, pageSize: 10)
    return p
  }

  @Test(arguments: sizes) func listPicker(width: Int, height: Int) {
    check(ListPickerView(picker: Self.picker), "picker", width, height)
    var filtered = Self.picker
    for c in "/label 7" { _ = filtered.handle(.character(c), pageSize: 10) }
    check(ListPickerView(picker: filtered), "picker-filtering", width, height)
    var none = Self.picker
    none.setFilter("cifar")
    check(ListPickerView(picker: none), "picker-empty", width, height)
    var disabled = Self.picker
    _ = disabled.handle(.end, pageSize: height - 1)
    check(ListPickerView(picker: disabled), "picker-disabled", width, height)
  }

  @Test(arguments: [(60, 16), (30, 8)]) func modalOverlay(width: Int, height: Int) {
    var canvas = Canvas(size: Size(width: width, height: height), fill: Cell("░"))
    let modal = ModalOverlay(title: "Initialisation", footer: "Esc close", contentSize: Size(width: 30, height: 5))
    canvas.render(modal, in: canvas.bounds, context: colorUnicode)
    let content = modal.contentRect(in: canvas.bounds)
    canvas.draw("content goes here", in: content)
    assertSnapshot(canvas, named: "modal-\(width)x\(height)")
  }

  @Test(arguments: [(80, 24), (40, 10)]) func tooSmall(width: Int, height: Int) {
    check(
      TerminalTooSmallView(have: Size(width: 70, height: 18), need: Size(width: 80, height: 24)), "too-small", width,
      height)
  }

  @Test(arguments: [(40, 8), (12, 4)]) func scrollBar(width: Int, height: Int) {
    #expect(ScrollBar(total: 100, visible: 10, offset: 0).thumb(height: 10) == (0, 1))
    #expect(ScrollBar(total: 100, visible: 10, offset: 90).thumb(height: 10) == (9, 1))
    #expect(ScrollBar(total: 5, visible: 10, offset: 0).thumb(height: 10) == (0, 10))
    check(ScrollBar(total: 30, visible: height, offset: 10), "scrollbar", 1, height)
    _ = width
  }
}
