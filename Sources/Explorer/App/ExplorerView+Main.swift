import Autodiff
import Foundation
import Leakage

/// The main screen: original, attack and I2F side by side, the numbers, the spectrum, the attack.
extension ExplorerState {
  func drawMain(_ canvas: inout Canvas, context: RenderContext, tick: Int) {
    let pane = panes[0]
    let original = pane.victim.flatMap { Self.heatmapImage($0.images) }
    let layout = ExplorerLayout.main(size: canvas.size, imageWidth: original?.width ?? 0)
    let t = context.theme
    drawTitle(&canvas, in: layout.title, context: context)
    let attack = pane.attack.flatMap { Self.heatmapImage($0.reconstruction) }
    let predicted = pane.report?.predictedImages.flatMap(Self.heatmapImage)
    let scale = Self.sharedScale(original, in: layout.images, context: context)
    let phase = phaseLabel(pane, tick: tick, glyphs: context.glyphs)
    Self.drawImage(&canvas, original, mapping: Self.pixels, title: "Original", detail: scale?.label(glyphs: context.glyphs) ?? "",
                   in: layout.images[0], scale: scale, placeholder: phase.isEmpty ? "…" : phase, context: context)
    // Titles that fit: the attack's status and the form of the prediction matter more than the words.
    let room = layout.images[1].width - 6
    let attackTitle = pane.attack.map { a in Self.fitting(["Attack \(attackLabel(a))", attackLabel(a)], width: room) } ?? "Attack"
    Self.drawImage(&canvas, attack, mapping: Self.pixels, title: attackTitle, in: layout.images[1], scale: scale,
                   placeholder: attackUnavailableReason(pane) ?? "space to run, n to step", context: context)
    let ridge = pane.report?.displayedShift?.isRidge ?? false
    let form = ridge ? "x0+I2F_ε(δ)" : "x0+I2F(δ)"
    Self.drawImage(&canvas, predicted, mapping: Self.pixels, title: Self.fitting(["I2F prediction \(form)", "I2F \(form)"], width: room),
                   in: layout.images[2], scale: scale, placeholder: phase.isEmpty ? (pane.evaluating ? "evaluating…" : "…") : phase,
                   context: context)
    if layout.images.count == 5, let v = pane.victim {
      let attackError = pane.attack.map { $0.reconstruction - v.images }
      let i2fError = pane.report?.predictedImages.map { $0 - v.images }
      let limit = Swift.max(attackError?.maxAbs() ?? 0, i2fError?.maxAbs() ?? 0, 1e-12)
      let signed = HeatmapMapping.signed(limit: limit, colormap: .redBlue)
      Self.drawImage(&canvas, attackError.flatMap(Self.heatmapImage), mapping: signed, title: "Attack − original",
                     in: layout.images[3], scale: scale, placeholder: "—", context: context)
      Self.drawImage(&canvas, i2fError.flatMap(Self.heatmapImage), mapping: signed, title: ridge ? "I2F_ε − original" : "I2F − original",
                     in: layout.images[4], scale: scale, placeholder: phase.isEmpty ? "—" : phase, context: context)
    }

    // Numbers, as far as the analysis has come.
    let detail = pane.victim.map { v in "\(pane.analysis?.method ?? "loading"), dx \(v.inputCount), dθ \(NumberFormat.grouped(v.parameterCount))" } ?? ""
    let numbersPanel = Panel(title: "I2F", detail: detail)
    canvas.render(numbersPanel, in: layout.numbers, context: context)
    let inner = numbersPanel.contentRect(in: layout.numbers)
    if pane.report != nil {
      // What is still coming, above the numbers so far.
      let note = pane.evaluating ? "updating…" : phase
      if !note.isEmpty { canvas.draw(note, in: inner.top(1), style: t.secondary) }
      canvas.render(KeyValueTable(rows: numbersRows(pane, full: true)), in: note.isEmpty ? inner : inner.droppingTop(1), context: context)
    } else {
      let bare = phaseLabel(pane, tick: tick, glyphs: context.glyphs, spinner: false)
      let waiting = !bare.isEmpty ? bare : (attackUnavailableReason(pane) ?? "evaluating…")
      canvas.render(ProgressBar(fraction: progress(of: pane), label: waiting, tick: tick), in: inner.top(1), context: context)
    }

    // Spectrum of J·Jᵀ with the chosen direction marked.
    let spectrumPanel = Panel(title: "Spectrum of J·Jᵀ", detail: "eigenvalues, log scale, largest first")
    canvas.render(spectrumPanel, in: layout.spectrum, context: context)
    let spectrumInner = spectrumPanel.contentRect(in: layout.spectrum)
    if let values = pane.analysis?.eigenvalues {
      let descending = Array(values.reversed())
      let positive = descending.map { Swift.max($0, 1e-300) }
      let rank = pane.report?.rank ?? values.count
      var marker: Int?
      if control.kind == .direction {
        marker = control.directionEnd == .top ? control.directionIndex - 1 : rank - control.directionIndex
      }
      canvas.render(LineChart(values: positive, scale: .logarithmic, fill: .area, marker: marker), in: spectrumInner.droppingBottom(1), context: context)
      let caption = "λ1 = \(Self.format(descending.first)) … λ\(rank) = \(Self.format(descending[Swift.max(0, Swift.min(rank, descending.count) - 1)]))"
        + (marker == nil ? "" : " · marked: k=\(control.directionIndex) (\(control.directionEnd))")
        + (pane.analysis.map { a in String(format: a.seconds < 10 ? " · %.2f s" : " · %.0f s", a.seconds) } ?? "")
      canvas.draw(caption, in: spectrumInner.bottom(1), style: t.secondary)
    } else if pane.analysis?.isComplete == true, let r = pane.report {
      let lines = ["matrix-free path: no eigenvalue list", "λmax = \(Self.format(r.lambdaMax))",
                   "λmin ≈ \(Self.format(r.lambdaMinEstimate)) (estimate)"]
      for (i, line) in lines.enumerated() { canvas.draw(line, in: spectrumInner, row: i, style: t.secondary) }
    } else if !phase.isEmpty {
      canvas.draw(phase, in: spectrumInner, style: t.secondary)
    }

    drawAttackPanel(&canvas, pane, in: layout.attack, context: context)
    drawStatus(&canvas, in: layout.status, context: context, tick: tick)
  }

  /// The first of `candidates` that fits in `width` columns (else the last).
  static func fitting(_ candidates: [String], width: Int) -> String {
    candidates.first { $0.terminalWidth <= width } ?? candidates.last ?? ""
  }

  /// `it 120/300`, and how it ended once finished (`it 26/300 stalled`).
  func attackLabel(_ a: AttackSnapshot) -> String {
    "it \(a.iteration)/\(a.total)" + (a.finished ? " \(a.status.rawValue)" : "")
  }

  func progress(of pane: PaneState) -> Double? {
    switch pane.phase {
    case .training(let p): p.fraction
    case .spectrum(let f): f
    default: nil
    }
  }

  /// Attack progress: objective sparkline, achieved vs predicted RMSE, PSNR, SSIM, labels.
  func drawAttackPanel(_ canvas: inout Canvas, _ pane: PaneState, in rect: Rect, context: RenderContext) {
    let t = context.theme
    let panel = Panel(title: "Attack \(attack.preset)", detail: "\(attack.objective.rawValue) · \(attack.optimizer.rawValue)")
    canvas.render(panel, in: rect, context: context)
    let inner = panel.contentRect(in: rect)
    guard let a = pane.attack else {
      canvas.draw(attackUnavailableReason(pane) ?? "preparing…", in: inner, style: t.secondary)
      return
    }
    let rows = inner.rows([.fixed(1), .fixed(inner.height >= 9 ? 2 : 1), .fill])
    canvas.draw("objective \(Self.format(a.objectives.last)) (log scale)", in: rows[0], style: t.label)
    canvas.render(Sparkline(values: a.objectives.map { Swift.max($0, 1e-30) }, scale: .logarithmic, overflow: .compress, style: t.chart),
                  in: rows[1], context: context)
    let predicted = pane.report.map { r in r.predictedRMSE.map(Self.format) ?? r.predictedRidgeRMSE.map { "\(Self.format($0)) (ε)" } ?? "…" }
    var table: [KeyValueTable.Row] = [
      .pair("iteration", "\(a.iteration)/\(a.total) " + (a.finished ? a.status.rawValue : a.isRunning ? (a.rate > 0 ? "\(Int(a.rate))/s" : "running") : "paused")),
      .pair("RMSE achieved", Self.format(a.metrics.rmse)),
      .pair("RMSE predicted", predicted ?? "…"),
      .pair("PSNR", a.metrics.psnr.isFinite ? String(format: "%.1f dB", a.metrics.psnr) : "∞"),
      .pair("SSIM", a.metrics.ssim.isFinite ? String(format: "%.3f", a.metrics.ssim) : "—"),
      .pair("labels", a.labels.map(String.init).joined(separator: ",") + (a.labelsInferred ? (a.labelsCorrect ? " (inferred ✓)" : " (inferred ✗)") : " (given)")),
    ]
    if a.trial > 0 { table.insert(.pair("restart", "\(a.trial + 1)/\(attack.restarts)"), at: 1) }
    canvas.render(KeyValueTable(rows: table), in: rows[2], context: context)
  }
}
