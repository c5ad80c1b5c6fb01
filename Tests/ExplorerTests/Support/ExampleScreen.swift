import Foundation

@testable import Explorer

/// A stand-in for the explorer's main screen, built only from the terminal layer: how a real screen
/// is meant to be composed (model value → pure update → pure view into a Canvas). Used by the
/// snapshot tests and by the interactive demo harness (`EXPLORER_DEMO=1`).
struct ExampleScreen {
  enum Action: Hashable, Sendable {
    case quit, help, closeOverlay, runPause, step, reset, nextPane, previousPane, sigmaUp, sigmaDown, pickSample,
      scrollUp, scrollDown
  }

  enum Overlay: Equatable {
    case help(scroll: Int)
    case samplePicker(ListPicker)
  }

  struct Model {
    var iteration = 0
    var running = false
    var focus = 0
    var logSigma = -2.0
    var sample = 3
    var losses: [Double] = []
    var overlay: Overlay?
    var message: StatusMessage?
    var quit = false
    var tick = 0
  }

  static let minimumSize = Size(width: 80, height: 24)
  static let overlayScope: KeyScope = "Overlay"
  static let mainScope: KeyScope = "Attack"

  static func keymap(_ model: Model) -> Keymap<Action> {
    Keymap([
      KeyBinding([.character("q")], .quit, "Quit", hint: "quit"),
      KeyBinding([.character("?"), .function(1)], .help, "Show the keys", hint: "help"),
      KeyBinding([.tab], .nextPane, "Focus the next pane"),
      KeyBinding([.backTab], .previousPane, "Focus the previous pane"),
      KeyBinding(
        [.space], .runPause, model.running ? "Pause the attack" : "Run the attack", scope: mainScope,
        hint: model.running ? "pause" : "run"),
      KeyBinding(
        [.character("n")], .step, "Step one iteration", scope: mainScope, hint: "step",
        disabledReason: model.running ? "pause first" : nil),
      KeyBinding([.character("r")], .reset, "Reset the attack", scope: mainScope),
      KeyBinding([.character("+"), .right, .character("l")], .sigmaUp, "Increase σ (×10^0.25)", scope: mainScope),
      KeyBinding([.character("-"), .left, .character("h")], .sigmaDown, "Decrease σ", scope: mainScope),
      KeyBinding([.character("s")], .pickSample, "Choose the sample", scope: mainScope, hint: "sample"),
      KeyBinding([.escape, .character("q")], .closeOverlay, "Close", scope: overlayScope, hint: "close"),
      KeyBinding([.up, .character("k")], .scrollUp, "Scroll up", scope: overlayScope),
      KeyBinding([.down, .character("j")], .scrollDown, "Scroll down", scope: overlayScope),
    ])
  }

  static func scopes(_ model: Model) -> [KeyScope] {
    model.overlay == nil ? [mainScope, .global] : [overlayScope]
  }

  // MARK: - Update (pure)

  static func update(_ model: inout Model, key: Key?, now: ContinuousClock.Instant, screen: Size) {
    if let m = model.message, m.isExpired(at: now) { model.message = nil }
    guard let key else {
      model.tick += 1
      if model.running { advance(&model) }
      return
    }
    if case .samplePicker(var picker) = model.overlay {
      switch picker.handle(key, pageSize: 10) {
      case .chosen(let i):
        model.sample = i
        model.overlay = nil
        model.message = .transient("sample #\(i)", severity: .success, now: now)
      case .cancelled: model.overlay = nil
      case .refused(let reason): model.message = .transient(reason, severity: .warning, now: now)
      case .handled, .ignored: model.overlay = .samplePicker(picker)
      }
      return
    }
    switch keymap(model).resolve(key, scopes: scopes(model)) {
    case .action(let a): perform(a, &model, screen: screen)
    case .disabled(_, let reason): model.message = .transient(reason, severity: .warning, now: now)
    case .unbound: break
    }
  }

  static func perform(_ action: Action, _ model: inout Model, screen: Size) {
    switch action {
    case .quit: model.quit = true
    case .help: model.overlay = .help(scroll: 0)
    case .closeOverlay: model.overlay = nil
    case .runPause: model.running.toggle()
    case .step: advance(&model)
    case .reset: (model.iteration, model.losses) = (0, [])
    case .nextPane: model.focus = (model.focus + 1) % 3
    case .previousPane: model.focus = (model.focus + 2) % 3
    case .sigmaUp: model.logSigma = min(0, model.logSigma + 0.25)
    case .sigmaDown: model.logSigma = max(-5, model.logSigma - 0.25)
    case .pickSample:
      model.overlay = .samplePicker(
        ListPicker(
          items: (0..<64).map { PickerItem("MNIST #\($0)", detail: "label \($0 * 7 % 10)") }, selection: model.sample))
    case .scrollUp, .scrollDown:
      guard case .help(let s) = model.overlay else { return }
      let maxScroll = HelpOverlay(keymap: keymap(model), scopes: [mainScope, .global, overlayScope]).maxScroll(
        in: Rect(size: screen))
      model.overlay = .help(scroll: max(0, min(maxScroll, s + (action == .scrollUp ? -1 : 1))))
    }
  }

  static func advance(_ model: inout Model) {
    guard model.iteration < 500 else {
      model.running = false
      return
    }
    model.iteration += 1
    model.losses.append(exp(-Double(model.iteration) / 60) * (1 + 0.1 * sin(Double(model.iteration))))
  }

  // MARK: - View (pure)

  /// A 16×16 test image: a ring.
  static func original() -> HeatmapImage {
    var v = [Double]()
    for y in 0..<16 {
      for x in 0..<16 {
        let r = ((Double(x) - 7.5) * (Double(x) - 7.5) + (Double(y) - 7.5) * (Double(y) - 7.5)).squareRoot()
        v.append(exp(-(r - 5) * (r - 5) / 2))
      }
    }
    return try! HeatmapImage(channels: 1, height: 16, width: 16, values: v)
  }

  static func reconstruction(_ model: Model) -> HeatmapImage {
    let x0 = original()
    let blend = 1 - exp(-Double(model.iteration) / 80)
    let noise = x0.values.indices.map { i in 0.5 + 0.5 * sin(Double(i) * 12.9898) }
    return try! HeatmapImage(
      channels: 1, height: 16, width: 16, values: zip(x0.values, noise).map { blend * $0 + (1 - blend) * $1 })
  }

  static func view(_ model: Model, size: Size, context: RenderContext) -> Canvas {
    var canvas = Canvas(size: size)
    guard size.contains(minimumSize) else {
      canvas.render(TerminalTooSmallView(have: size, need: minimumSize), in: canvas.bounds, context: context)
      return canvas
    }
    let theme = context.theme
    let glyphs = context.glyphs
    let rows = canvas.bounds.rows([.fixed(1), .fill, .fixed(9), .fixed(1)])
    let (title, body, lower, status) = (rows[0], rows[1], rows[2], rows[3])
    canvas.draw(
      [
        TextSpan(" i2f ", style: theme.badgeNeutral),
        TextSpan("  deep gradient leakage explorer", style: theme.secondary),
      ], at: title.origin, clip: title)

    // Three image panes and a numbers column.
    let columns = body.columns([.fill, .fill, .fill, .fixed(30)], spacing: 1)
    let x0 = original()
    let rec = reconstruction(model)
    let error = try! HeatmapImage(
      channels: 1, height: 16, width: 16, values: zip(rec.values, x0.values).map { $0 - $1 })
    let panes: [(String, HeatmapImage, HeatmapMapping)] = [
      ("Original", x0, .magnitude(range: 0...1, colormap: .grays)),
      ("Reconstruction", rec, .magnitude(range: 0...1, colormap: .grays)),
      ("Error", error, .signed(of: error)),
    ]
    // One scale for all three panes (the smallest that fits each), so pixels compare 1:1.
    let imageSpace = { (i: Int) in Panel(title: "").contentRect(in: columns[i]).droppingBottom(3).size }
    let shared = (0..<3).map {
      ImageHeatmap(image: x0, mapping: .magnitude(of: x0)).fit(in: imageSpace($0), context: context).scale
    }.min()!
    for (i, (name, image, mapping)) in panes.enumerated() {
      // The image above a two-row legend, centred together in the pane.
      let heatmap = ImageHeatmap(image: image, mapping: mapping, scale: shared)
      let panel = Panel(title: name, isFocused: model.focus == i)
      let inner = panel.contentRect(in: columns[i])
      let fit = heatmap.fit(in: imageSpace(i), context: context)
      let group = inner.centered(Size(width: inner.width, height: fit.size.height + 3))
      let parts = group.rows([.fixed(fit.size.height), .fixed(1), .fixed(2)])
      var framed = panel
      framed.detail = fit.scale.label(glyphs: glyphs)
      canvas.render(framed, in: columns[i], context: context)
      canvas.render(heatmap, in: parts[0], context: context)
      canvas.render(
        ColorBar(mapping: mapping), in: parts[2].centered(Size(width: max(fit.size.width, 20), height: 2)),
        context: context)
    }
    let numbersPanel = Panel(title: "I2F")
    canvas.render(numbersPanel, in: columns[3], context: context)
    let sigma = pow(10, model.logSigma)
    let rmse = sqrt(error.values.map { $0 * $0 }.reduce(0, +) / Double(error.values.count))
    canvas.render(
      KeyValueTable(
        rows: [
          .pair("σ", NumberFormat.scientific(sigma, significantDigits: 2)),
          .pair("‖J·δ‖", NumberFormat.scientific(sigma * 3.1, significantDigits: 3)),
          .pair("λmax", NumberFormat.scientific(1204, significantDigits: 3)),
          .pair("λmin", NumberFormat.scientific(2.9e-5, significantDigits: 3)),
          .pair("condition", NumberFormat.scientific(4.15e7, significantDigits: 2)),
          .separator,
          .pair(key: "RMSE", values: [NumberFormat.compact(sigma * 2), NumberFormat.compact(rmse)], style: nil),
        ], columnHeadings: ["pred", "attack"]), in: numbersPanel.contentRect(in: columns[3]), context: context)

    // Spectrum and objective.
    let lowerColumns = lower.columns([.fill, .fill], spacing: 1)
    let spectrumPanel = Panel(title: "Spectrum of J·Jᵀ", detail: "k = 40")
    canvas.render(spectrumPanel, in: lowerColumns[0], context: context)
    let spectrum = (0..<200).map { pow(10, 3 - 8 * Double($0) / 199) }
    canvas.render(
      LineChart(values: spectrum, scale: .logarithmic, marker: 40), in: spectrumPanel.contentRect(in: lowerColumns[0]),
      context: context)
    let objectivePanel = Panel(title: "Objective", detail: model.losses.last.map { NumberFormat.scientific($0) } ?? "")
    canvas.render(objectivePanel, in: lowerColumns[1], context: context)
    let objective = objectivePanel.contentRect(in: lowerColumns[1]).rows([.fill, .fixed(1)])
    canvas.render(LineChart(values: model.losses, scale: .logarithmic, fill: .area), in: objective[0], context: context)
    canvas.render(
      ProgressBar(fraction: Double(model.iteration) / 500, label: "it \(model.iteration)/500"), in: objective[1],
      context: context)

    let mode = model.running ? "RUNNING" : "PAUSED"
    canvas.render(
      StatusBar(
        mode: mode, tone: model.running ? .active : .paused,
        summary: ["convnet5", "uniform", "MNIST #\(model.sample)", "gauss σ=\(NumberFormat.scientific(sigma))"].joined(
          separator: glyphs.separator),
        message: model.message, hints: keymap(model).hints(scopes: scopes(model), glyphs: glyphs)),
      in: status, context: context)

    switch model.overlay {
    case .help(let scroll):
      canvas.render(
        HelpOverlay(keymap: keymap(model), scopes: [mainScope, .global, overlayScope], scroll: scroll),
        in: canvas.bounds, context: context)
    case .samplePicker(let picker):
      let modal = ModalOverlay(
        title: "Sample", footer: "Enter choose\(glyphs.separator)Esc cancel", contentSize: Size(width: 36, height: 11))
      canvas.render(modal, in: canvas.bounds, context: context)
      canvas.render(ListPickerView(picker: picker), in: modal.contentRect(in: canvas.bounds), context: context)
    case nil:
      break
    }
    return canvas
  }
}
