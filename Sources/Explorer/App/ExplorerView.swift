import Autodiff
import Foundation
import Leakage

/// The explorer's screens as pure functions of the state: state → canvas.
extension ExplorerState {
  /// The whole screen. `tick` animates spinners.
  public func view(size: Size, context: RenderContext, tick: Int = 0) -> Canvas {
    var canvas = Canvas(size: size)
    guard size.contains(ExplorerLayout.minimumSize) else {
      canvas.render(TerminalTooSmallView(have: size, need: ExplorerLayout.minimumSize), in: canvas.bounds, context: context)
      return canvas
    }
    switch screen {
    case .main: drawMain(&canvas, context: context, tick: tick)
    case .compare: drawCompare(&canvas, context: context, tick: tick)
    case .results: drawResults(&canvas, context: context)
    }
    switch overlay {
    case .help(let scroll)?:
      canvas.render(HelpOverlay(keymap: keymap, scopes: helpScopes, scroll: scroll, title: "i2f keys"), in: canvas.bounds, context: context)
    case .picker(let kind, let picker)?:
      drawPicker(&canvas, kind, picker, context: context)
    case .samples(let browser)?:
      drawSampleBrowser(&canvas, browser, context: context)
    case nil: break
    }
    return canvas
  }

  // MARK: - Shared pieces

  /// The title bar: the current configuration, always visible.
  func drawTitle(_ canvas: inout Canvas, in rect: Rect, context: RenderContext) {
    let t = context.theme
    canvas.clear(rect, style: t.badgeNeutral)
    let pane = panes[activePane]
    let labels = pane.victim.map { $0.labels.map(String.init).joined(separator: ",") }
    var perturbation = "\(control.kind.shortTitle) \(control.valueLabel)"
    if control.kind == .file, let r = pane.report { perturbation += " ‖δ‖ = \(Self.format(r.deltaNorm))" }
    let space = spaceLabel(pane)
    let spans = [
      TextSpan(" i2f ", style: t.badgeActive),
      TextSpan(space.map { " \($0.space) " } ?? "", style: scenario.space == .model ? t.badgePaused : t.badgeActive),
      TextSpan("  \(pane.victim?.architecture ?? scenario.model.shortName)" + (space.map { " (\($0.formula))" } ?? ""), style: t.badgeNeutral),
      TextSpan(" · \(screen == .compare ? "\(panes.count) initialisations" : pane.weights.description)", style: t.badgeNeutral),
      TextSpan(" · \(scenario.sample)\(labels.map { " [\($0)]" } ?? "")", style: t.badgeNeutral),
      TextSpan(" · \(perturbation)", style: t.badgeNeutral),
      TextSpan(" · attack \(attack.preset)", style: t.badgeNeutral),
    ]
    canvas.draw(spans, at: rect.origin, clip: rect)
  }

  func drawStatus(_ canvas: inout Canvas, in rect: Rect, context: RenderContext, tick: Int) {
    let pane = panes[activePane]
    var mode: String, tone: StatusBar.Tone
    if let a = pane.attack {
      mode = a.finished ? "DONE it \(a.iteration) \(a.status.rawValue)" : "\(a.isRunning ? "RUNNING" : "PAUSED") it \(a.iteration)/\(a.total)"
      tone = a.isRunning ? .active : (a.status == .diverged ? .error : .paused)
    } else {
      switch pane.phase {
      case .loading: (mode, tone) = ("LOADING", .active)
      case .training(let p): (mode, tone) = ("TRAINING \(Int(p.fraction * 100))%", .active)
      case .products, .largestEigenvalue: (mode, tone) = ("ANALYSING", .active)
      case .spectrum(let f): (mode, tone) = ("SPECTRUM" + (f.map { " \(Int($0 * 100))%" } ?? ""), .active)
      case .complete: (mode, tone) = ("READY", .paused)
      case .failed: (mode, tone) = ("ERROR", .error)
      }
    }
    let summary = "speed \(AttackSpeed.levels[speed].label)" + (screen == .compare ? " · pane \(focus + 1)/\(panes.count)" : "")
    canvas.render(StatusBar(mode: mode, tone: tone, summary: summary, message: message, hints: keymap.hints(scopes: scopes)),
                  in: rect, context: context)
  }

  /// A panel's title and right-hand detail for a panel `width` columns wide: both when they fit
  /// side by side, else the two joined in the title (which the frame cuts at the end).
  static func titled(_ title: String, _ detail: String, width: Int) -> (title: String, detail: String) {
    guard !detail.isEmpty, title.terminalWidth + detail.terminalWidth + 9 > width else { return (title, detail) }
    return ("\(title) \(detail)", "")
  }

  /// What the pane's analysis is doing, in words (empty once complete).
  /// `spinner`: led by a spinner frame (not when a progress bar shows its own).
  /// `timed`: followed by the time the spectrum has taken so far (not in image placeholders, too narrow for it).
  func phaseLabel(_ pane: PaneState, tick: Int, glyphs: GlyphSet, spinner: Bool = true, timed: Bool = true) -> String {
    let spin = spinner ? "\(Spinner.frame(tick: tick, glyphs: glyphs)) " : ""
    func time(_ start: ContinuousClock.Instant?) -> String { timed ? start.flatMap { elapsed(since: $0) }.map { " · \($0)" } ?? "" : "" }
    switch pane.phase {
    case .loading: return "\(spin)loading the model"
    case .training(let p): return "\(spin)training the weights: epoch \(p.epoch)/\(p.epochs) \(Int(p.fraction * 100))%"
    case .products: return "\(spin)computing g0 and J·δ"
    case .largestEigenvalue: return "\(spin)computing λmax"
    case .spectrum(let f):
      if let step = pane.spectrumSteps.last { return "\(spin)\(step.text)" + time(step.started) }
      return "\(spin)computing J·Jᵀ" + (f.map { " \(Int($0 * 100))%" } ?? "") + time(pane.spectrumStarted)
    case .complete: return ""
    case .failed(let text): return "\(glyphs.isUnicode ? "✗" : "x") \(text)"
    }
  }

  /// The time from `start` to `end` (or to the last update), as `4.2 s`, `37 s` or `2 min 05 s`.
  func elapsed(since start: ContinuousClock.Instant, until end: ContinuousClock.Instant? = nil) -> String? {
    guard let end = end ?? clock else { return nil }
    let d = (end - start).components
    return Self.duration(Swift.max(0, Double(d.seconds) + Double(d.attoseconds) * 1e-18))
  }

  static func duration(_ seconds: Double) -> String {
    if seconds < 10 { return String(format: "%.1f s", seconds) }
    if seconds < 60 { return String(format: "%.0f s", seconds.rounded(.down)) }
    let s = Int(seconds)
    return String(format: "%d min %02d s", s / 60, s % 60)
  }

  /// Which space the numbers are in (`model space`, `pixel space`) and the normalisation's formula,
  /// when the model normalises its inputs; nil without normalisation (both spaces are the pixels).
  /// Images are always shown as pixels.
  func spaceLabel(_ pane: PaneState) -> (space: String, formula: String)? {
    guard let n = pane.victim?.normalization ?? scenario.normalization else { return nil }
    return ("\(scenario.space == .model ? "model" : "pixel") space", Self.formula(n))
  }

  /// `z = (x−0.1307)/0.3081`, or with a preset's name when channels differ: `z = (x−m)/s, cifar10`.
  static func formula(_ n: InputNormalization) -> String {
    if Set(n.mean).count == 1, Set(n.std).count == 1 {
      return "z = (x−\(NumberFormat.compact(n.mean[0], significantDigits: 4)))/\(NumberFormat.compact(n.std[0], significantDigits: 4))"
    }
    return "z = (x−m)/s, \(n.description)"
  }

  /// The RMSE the pane's attack achieved in the space of its numbers (comparable with the RMSE I2F
  /// predicts): in model space the normalised images are compared.
  static func achievedRMSE(_ pane: PaneState) -> Double? {
    guard let a = pane.attack else { return nil }
    if let r = pane.report, r.normalization != nil { return r.rmse(ofReconstruction: a.reconstruction) }
    return a.metrics.rmse
  }

  /// A pixel tensor `[B, C, H, W]` as one heatmap image, the batch side by side with a blank gap.
  static func heatmapImage(_ t: Tensor<Double>) -> HeatmapImage? {
    guard t.rank == 4 else { return nil }
    let (b, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
    let width = b * w + (b - 1)
    var values = [Double](repeating: .nan, count: c * h * width)
    for i in 0..<b {
      for ch in 0..<c {
        for y in 0..<h {
          for x in 0..<w { values[(ch * h + y) * width + i * (w + 1) + x] = t.scalars[((i * c + ch) * h + y) * w + x] }
        }
      }
    }
    return try? HeatmapImage(channels: c, height: h, width: width, values: values)
  }

  /// Draws an image panel: frame with title, the image at `scale`, and a colour-bar line.
  static func drawImage(
    _ canvas: inout Canvas, _ image: HeatmapImage?, mapping m: HeatmapMapping, title: String, detail: String = "",
    in rect: Rect, scale: ImageScale?, focused: Bool = false, placeholder: String, placeholderIsError: Bool = false, context: RenderContext
  ) {
    let panel = Panel(title: title, detail: detail, isFocused: focused)
    canvas.render(panel, in: rect, context: context)
    let inner = panel.contentRect(in: rect)
    guard let image else {
      drawPlaceholder(&canvas, placeholder, in: inner, error: placeholderIsError, context: context)
      return
    }
    let body = inner.droppingBottom(1)
    canvas.render(ImageHeatmap(image: image, mapping: m, scale: scale), in: body, context: context)
    canvas.render(ColorBar(mapping: m), in: inner.bottom(1).insetBy(dx: 1, dy: 0), context: context)
  }

  /// `text` centred in `rect`, wrapped over as many lines as it needs; an error in the error style.
  static func drawPlaceholder(_ canvas: inout Canvas, _ text: String, in rect: Rect, error failed: Bool = false, context: RenderContext) {
    let lines = wrap(text, width: rect.width, lines: rect.height)
    let block = rect.centered(Size(width: rect.width, height: lines.count))
    for (i, line) in lines.enumerated() {
      canvas.draw(line, in: block, row: i, alignment: .center, style: failed ? context.theme.error : context.theme.secondary)
    }
  }

  /// The largest scale at which `image` fits every rect.
  static func sharedScale(_ image: HeatmapImage?, in rects: [Rect], context: RenderContext) -> ImageScale? {
    guard let image else { return nil }
    return rects.map { r -> ImageScale in
      let inner = r.inset(by: .all(1)).droppingBottom(1)
      return ImageHeatmap(image: image, mapping: .magnitude(range: 0...1, colormap: .grays)).fit(in: inner.size, context: context).scale
    }.min()
  }

  /// Pixels in [0, 1] on the gray map (reconstructions outside the box saturate).
  static let pixels = HeatmapMapping.magnitude(range: 0...1, colormap: .grays)

  static func format(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x.isNaN { return "nan" }
    if x.isInfinite { return "∞" }
    return NumberFormat.scientific(x, significantDigits: 3)
  }

  /// Predicted and achieved leakage as text for one pane: only what its analysis computed. Numbers
  /// whose stage is still running show "…"; those the matrix-free path does not compute show "—";
  /// ridge forms and estimates say so.
  func numbersRows(_ pane: PaneState, full: Bool) -> [KeyValueTable.Row] {
    guard let r = pane.report else { return [] }
    let pending = "…"
    let dense = r.shift != nil
    let matrixFree = !dense && r.ridgeShift != nil
    var rows: [KeyValueTable.Row] = [
      .pair("‖J·δ‖", Self.format(r.jDeltaNorm)),
      .pair("λmax(J·Jᵀ)", r.lambdaMax.map(Self.format) ?? pending),
    ]
    if dense {
      rows += [
        .pair("λmin(J·Jᵀ)", Self.format(r.lambdaMin)),
        .pair("condition", r.condition.map(Self.format) ?? "∞ (singular)"),
        .pair("rank", r.rank.map { "\($0)/\(r.inputCount)" } ?? "—"),
        .pair("‖I2F(δ)‖", Self.format(r.i2fNorm)),
      ]
      if full { rows.append(.pair("‖I2F_ε(δ)‖", Self.format(r.i2fRidgeNorm) + " ε=\(Self.format(r.ridge))")) }
    } else if matrixFree {
      rows += [
        .pair("λmin ≈", "\(Self.format(r.lambdaMinEstimate)) (estimate)"),
        .pair("rank", "— (matrix-free)"),
        .pair("‖I2F_ε(δ)‖", Self.format(r.i2fRidgeNorm) + (full ? " ε=\(Self.format(r.ridge))" : "")),
      ]
    } else {
      rows += [.pair("λmin(J·Jᵀ)", pending), .pair("rank", pending), .pair("‖I2F(δ)‖", pending)]
    }
    if full {
      rows.append(.pair("lower bound", r.lowerBound.map(Self.format) ?? pending))
      if dense {
        rows.append(.pair("upper bound", r.upperBound.map(Self.format) ?? "— (singular)"))
      } else if matrixFree {
        rows.append(.pair("upper bound ≈", r.upperBoundEstimate.map { "\(Self.format($0)) (estimate)" } ?? "—"))
      } else {
        rows.append(.pair("upper bound", pending))
      }
    }
    if dense {
      rows.append(.pair("predicted RMSE", Self.format(r.predictedRMSE)))
      if control.kind == .gaussian { rows.append(.pair("expected RMSE", Self.format(r.expectedRMSE))) }
      if full { rows.append(.pair("σ for RMSE \(NumberFormat.compact(targetRMSE))", Self.format(r.sigma(forTargetRMSE: targetRMSE)))) }
    } else if matrixFree {
      rows.append(.pair("predicted RMSE_ε", Self.format(r.predictedRidgeRMSE)))
      if control.kind == .gaussian { rows.append(.pair("expected RMSE_ε", Self.format(r.expectedRidgeRMSE))) }
      if full { rows.append(.pair("σ_ε for RMSE \(NumberFormat.compact(targetRMSE))", Self.format(r.ridgeSigma(forTargetRMSE: targetRMSE)))) }
    } else {
      rows.append(.pair("predicted RMSE", pending))
    }
    if full { rows.append(.pair("‖δ‖ / ‖g0‖", "\(Self.format(r.deltaNorm)) / \(Self.format(r.gradientNorm))")) }
    return rows
  }

  /// The RMSE I2F predicts for a pane, for rankings: the expected one over Gaussian draws when
  /// that applies, else the one for this δ (ridge forms on the matrix-free path).
  static func predictedRMSE(_ r: Evaluation, gaussian: Bool) -> Double? {
    let exact = gaussian ? r.expectedRMSE ?? r.predictedRMSE : r.predictedRMSE
    let ridge = gaussian ? r.expectedRidgeRMSE ?? r.predictedRidgeRMSE : r.predictedRidgeRMSE
    return exact ?? ridge
  }
}
