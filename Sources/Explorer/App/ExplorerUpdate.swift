import Foundation
import Leakage

/// The explorer's state machine: a pure function from (state, event) to (state, effects).
extension ExplorerState {
  /// Effects that start the explorer: every pane's analysis.
  public mutating func start() -> [ExplorerEffect] {
    panes.indices.flatMap { reanalyze($0) }
  }

  /// Applies `event` and returns the work to start. `screen` is the terminal size (for paging).
  public mutating func update(_ event: ExplorerEvent, now: ContinuousClock.Instant, screen size: Size) -> [ExplorerEffect] {
    if let m = message, m.isExpired(at: now) { message = nil }
    switch event {
    case .tick: return []
    case .key(let key): return handle(key, now: now, size: size)
    case .victimLoaded(let id, let gen, let victim):
      guard let i = pane(id, analysis: gen) else { return [] }
      panes[i].victim = victim
      panes[i].phase = .products
      return []
    case .trainingProgress(let id, let gen, let progress):
      guard let i = pane(id, analysis: gen) else { return [] }
      panes[i].phase = .training(progress)
      return []
    case .analysisProgress(let id, let gen, let fraction):
      guard let i = pane(id, analysis: gen) else { return [] }
      panes[i].phase = .spectrum(fraction: fraction)
      return []
    case .analysisStage(let id, let gen, let summary):
      guard let i = pane(id, analysis: gen) else { return [] }
      panes[i].analysis = summary
      panes[i].phase = summary.isComplete ? .complete : (summary.hasLargestEigenvalue ? .spectrum(fraction: nil) : .largestEigenvalue)
      return evaluate(i)
    case .analysisFailed(let id, let gen, let text):
      guard let i = pane(id, analysis: gen) else { return [] }
      panes[i].phase = .failed(text)
      message = .transient(text, severity: .error, now: now, duration: .seconds(8))
      return []
    case .evaluated(let id, let gen, let report):
      guard let i = index(of: id), panes[i].evaluationGeneration == gen else { return [] }
      panes[i].report = report
      panes[i].evaluating = false
      return []
    case .evaluationFailed(let id, let gen, let text):
      guard let i = index(of: id), panes[i].evaluationGeneration == gen else { return [] }
      panes[i].evaluating = false
      message = .transient(text, severity: .error, now: now, duration: .seconds(6))
      return []
    case .attackProgress(let id, let gen, let snapshot):
      guard let i = index(of: id), panes[i].attackGeneration == gen else { return [] }
      panes[i].attack = snapshot
      return []
    case .attackFailed(let id, let gen, let text):
      guard let i = index(of: id), panes[i].attackGeneration == gen else { return [] }
      panes[i].attackFailure = text
      message = .transient("attack: \(text)", severity: .error, now: now, duration: .seconds(6))
      return []
    case .datasetLoaded(let name, let dataset):
      datasets[name] = dataset
      return []
    case .datasetFailed(let name, let text):
      message = .transient("\(name): \(text)", severity: .error, now: now, duration: .seconds(6))
      if case .samples(let b) = overlay, datasetNames.indices.contains(b.datasetIndex), datasetNames[b.datasetIndex] == name {
        overlay = nil
      }
      return []
    case .exported(let directory):
      message = .transient("exported to \(directory)/", severity: .success, now: now, duration: .seconds(6))
      return []
    case .exportFailed(let text):
      message = .transient(text, severity: .error, now: now, duration: .seconds(8))
      return []
    }
  }

  /// Position of pane `id` when `generation` is its current analysis.
  private func pane(_ id: PaneID, analysis generation: Int) -> Int? {
    guard let i = index(of: id), panes[i].analysisGeneration == generation else { return nil }
    return i
  }

  // MARK: - Keys

  private mutating func handle(_ key: Key, now: ContinuousClock.Instant, size: Size) -> [ExplorerEffect] {
    if case .resize = key { return [] }
    if case .mouse(let event) = key { return mouse(event, size: size) }
    switch overlay {
    case .picker(let kind, var picker)?:
      switch picker.handle(key, pageSize: Swift.max(3, size.height - 10)) {
      case .chosen(let index):
        overlay = nil
        return choose(kind, index, now: now)
      case .cancelled: overlay = nil
      case .refused(let reason): message = .transient(reason, severity: .warning, now: now)
      case .handled, .ignored: overlay = .picker(kind, picker)
      }
      return []
    case .samples(var browser)?:
      return browse(&browser, key, now: now, size: size)
    case .help, nil:
      break
    }
    switch keymap.resolve(key, scopes: scopes) {
    case .action(let action): return perform(action, now: now, size: size)
    case .disabled(_, let reason):
      message = .transient(reason, severity: .warning, now: now)
      return []
    case .unbound: return []
    }
  }

  private mutating func mouse(_ event: MouseEvent, size: Size) -> [ExplorerEffect] {
    guard overlay == nil else { return [] }
    switch event.kind {
    case .press(.left) where screen == .compare:
      let layout = ExplorerLayout.compare(size: size, paneCount: panes.count)
      if let i = layout.panes.firstIndex(where: { $0.contains(event.position) }) { focus = i }
      return []
    case .wheelUp: return perform(.increase, now: .now, size: size)
    case .wheelDown: return perform(.decrease, now: .now, size: size)
    default: return []
    }
  }

  private mutating func perform(_ action: ExplorerAction, now: ContinuousClock.Instant, size: Size) -> [ExplorerEffect] {
    let p = activePane
    let id = panes[p].id
    switch action {
    case .quit: quit = true
    case .help: overlay = .help(scroll: 0)
    case .closeOverlay: overlay = nil
    case .scrollUp, .scrollDown:
      if case .help(let s) = overlay {
        let limit = HelpOverlay(keymap: keymap, scopes: Self.helpScopes).maxScroll(in: Rect(size: size))
        overlay = .help(scroll: Swift.max(0, Swift.min(limit, s + (action == .scrollUp ? -1 : 1))))
      }
    case .pickModel:
      overlay = .picker(.model, ListPicker(items: modelChoices.map(Self.pickerItem),
                                           selection: modelChoices.firstIndex { $0.model == scenario.model } ?? 0))
    case .pickInitialization:
      overlay = .picker(.initialization, ListPicker(items: weightChoices.map(Self.pickerItem),
                                                    selection: weightChoices.firstIndex(of: panes[p].weights) ?? 0))
    case .pickPerturbation:
      let kinds = control.availableKinds
      overlay = .picker(.perturbation, ListPicker(items: kinds.map { PickerItem($0.title, detail: control.summary(of: $0)) },
                                                  selection: kinds.firstIndex(of: control.kind) ?? 0))
    case .pickAttack:
      overlay = .picker(.attack, ListPicker(items: AttackConfiguration.presets.map {
        PickerItem($0.preset, detail: "\($0.objective.rawValue) + \($0.optimizer.rawValue), \($0.iterations) it — \(AttackConfiguration.presetSources[$0.preset] ?? "")")
      }, selection: AttackConfiguration.presets.firstIndex { $0.preset == attack.preset } ?? 0))
    case .pickSample:
      let address = try? SampleAddress(parsing: scenario.sample)
      var datasetIndex = 0, item = 0
      if case .dataset(let name)? = address?.source, let d = datasetNames.firstIndex(of: name) { datasetIndex = d }
      if case .index(let i)? = address?.items?.first { item = i }
      guard !datasetNames.isEmpty else {
        message = .transient("no data sets found", severity: .warning, now: now)
        return []
      }
      overlay = .samples(SampleBrowser(datasetIndex: datasetIndex, selection: item))
      let name = datasetNames[datasetIndex]
      return datasets[name] == nil ? [.loadDataset(name)] : []
    case .increase, .decrease:
      control.adjust(by: action == .increase ? 1 : -1, maxDirection: panes[p].report?.rank ?? panes[p].victim?.inputCount ?? 1)
      return reevaluateAll(restartAttack: true)
    case .toggleDirectionEnd:
      control.directionEnd = control.directionEnd == .top ? .bottom : .top
      return reevaluateAll(restartAttack: true)
    case .newNoiseDraw:
      scenario.noiseSeed &+= 1
      message = .transient("noise draw \(scenario.noiseSeed)", now: now)
      return reevaluateAll(restartAttack: true)
    case .ridgeUp, .ridgeDown:
      let f = action == .ridgeUp ? 10.0 : 0.1
      switch scenario.ridge {
      case .relative(let r): scenario.ridge = .relative(r == 0 ? 1e-12 : Swift.min(r * f, 1))
      case .absolute(let e): scenario.ridge = .absolute(e == 0 ? 1e-12 : e * f)
      }
      // ε changes the numbers, not δ: the attacks go on.
      return reevaluateAll(restartAttack: false)
    case .targetUp: targetRMSE = Swift.min(targetRMSE * 2, 1)
    case .targetDown: targetRMSE = Swift.max(targetRMSE / 2, 1e-4)
    case .runPause:
      return [.attack(id, panes[p].attack?.isRunning == true ? .pause : .run)]
    case .step: return [.attack(id, .step(1))]
    case .stepTen: return [.attack(id, .step(10))]
    case .runToEnd: return [.attack(id, .finish)]
    case .resetAttack: return [.attack(id, .reset)]
    case .faster, .slower:
      speed = Swift.max(0, Swift.min(AttackSpeed.levels.count - 1, speed + (action == .faster ? 1 : -1)))
      message = .transient("attack speed \(AttackSpeed.levels[speed].label)", now: now)
      return panes.map { .attack($0.id, .speed(AttackSpeed.levels[speed].perSecond)) }
    case .runAll:
      let runnable = panes.filter { $0.attack.map { !$0.finished } ?? false }
      guard !runnable.isEmpty else {
        message = .transient("no attack to run yet", severity: .warning, now: now)
        return []
      }
      let run = !runnable.allSatisfy { $0.attack?.isRunning == true }
      return runnable.map { .attack($0.id, run ? .run : .pause) }
    case .toggleCompare:
      screen = screen == .main ? .compare : .main
      focus = Swift.min(focus, panes.count - 1)
      if screen == .compare && panes.count < 2 { return addPane() }
    case .nextPane: focus = (focus + 1) % panes.count
    case .previousPane: focus = (focus + panes.count - 1) % panes.count
    case .addPane: return addPane()
    case .removePane:
      guard panes.count > 2 else { return [] }
      let removed = panes.remove(at: focus)
      focus = Swift.min(focus, panes.count - 1)
      return [.dropPane(removed.id)]
    case .export:
      message = .transient("exporting…", now: now)
      return [.export(exportRequest(directory: ""))]
    }
    return []
  }

  static let helpScopes: [KeyScope] = [.global, mainScope, compareScope, overlayScope]

  static func pickerItem(_ w: WeightSource) -> PickerItem {
    switch w {
    case .initializer(let i, let seed): PickerItem(i.rawValue, detail: "\(i.summary), seed \(seed)")
    case .trained(let seed): PickerItem("trained", detail: "trained on the sample's data set (a few epochs, cached), seed \(seed)")
    case .file(let path): PickerItem(w.shortName, detail: "weights file: \(path)")
    case .embedded: PickerItem(w.shortName, detail: "the weights stored in the model file")
    }
  }

  static func pickerItem(_ m: ModelChoice) -> PickerItem {
    if case .file(let path)? = m.weights { return PickerItem(m.name, detail: "\(m.model.shortName) with the weights of \(path)") }
    switch m.model {
    case .builtin(let a): return PickerItem(m.name, detail: a.summary)
    case .onnx(let path): return PickerItem(m.name, detail: "ONNX model: \(path)")
    }
  }

  // MARK: - Choices

  private mutating func choose(_ kind: PickerKind, _ index: Int, now: ContinuousClock.Instant) -> [ExplorerEffect] {
    switch kind {
    case .model:
      let choice = modelChoices[index]
      guard choice.model != scenario.model || (choice.weights != nil && choice.weights != panes[activePane].weights) else { return [] }
      scenario.model = choice.model
      // Weights files and embedded weights belong to one model: a new ONNX model brings its own,
      // any other falls back to the uniform initialisation (same seed).
      for i in panes.indices {
        switch panes[i].weights {
        case .file, .embedded:
          if case .onnx = choice.model { panes[i].weights = .embedded } else { panes[i].weights = .initializer(.uniform, seed: seed) }
        case .initializer, .trained:
          if case .onnx = choice.model, i == activePane, choice.weights == nil { panes[i].weights = .embedded }
        }
      }
      if let w = choice.weights { panes[activePane].weights = w }
      return panes.indices.flatMap { reanalyze($0) }
    case .initialization:
      let w = weightChoices[index]
      guard w != panes[activePane].weights else { return [] }
      panes[activePane].weights = w
      return reanalyze(activePane)
    case .perturbation:
      control.kind = control.availableKinds[index]
      return reevaluateAll(restartAttack: true)
    case .attack:
      let chosen = AttackConfiguration.presets[index]
      attack = chosen
      message = .transient("attack \(chosen.preset): \(chosen.iterations) iterations", now: now)
      return panes.indices.flatMap { restartAttack($0) }
    }
  }

  private mutating func browse(_ browser: inout SampleBrowser, _ key: Key, now: ContinuousClock.Instant, size: Size) -> [ExplorerEffect] {
    let name = datasetNames[browser.datasetIndex]
    let layout = ExplorerLayout.sampleBrowser(size: size)
    var effects: [ExplorerEffect] = []
    if let dataset = datasets[name] {
      let grid = SampleBrowser.grid(imageShape: dataset.imageShape, space: layout.grid.size)
      switch key {
      case .left, .character("h"): browser.move(by: -1, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .right, .character("l"): browser.move(by: 1, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .up, .character("k"): browser.move(by: -grid.columns, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .down, .character("j"): browser.move(by: grid.columns, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .pageUp: browser.move(by: -grid.columns * grid.rows, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .pageDown: browser.move(by: grid.columns * grid.rows, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .home, .character("g"): browser.move(by: -dataset.count, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .end, .character("G"): browser.move(by: dataset.count, count: dataset.count, columns: grid.columns, visibleRows: grid.rows)
      case .enter:
        overlay = nil
        let address = dataset.address(of: browser.selection)
        guard address != scenario.sample else { return [] }
        scenario.sample = address
        message = .transient("sample \(address)", now: now)
        return panes.indices.flatMap { reanalyze($0) }
      default: break
      }
    }
    switch key {
    case .tab, .backTab:
      browser.datasetIndex = (browser.datasetIndex + (key == .tab ? 1 : datasetNames.count - 1)) % datasetNames.count
      browser.selection = 0
      browser.scroll = 0
      let next = datasetNames[browser.datasetIndex]
      if datasets[next] == nil { effects.append(.loadDataset(next)) }
    case .escape, .character("q"):
      overlay = nil
      return []
    default: break
    }
    overlay = .samples(browser)
    return effects
  }

  // MARK: - Work

  /// Starts pane `i`'s analysis afresh (its victim, stages, numbers and attack are dropped).
  mutating func reanalyze(_ i: Int) -> [ExplorerEffect] {
    let gen = takeGeneration()
    let id = panes[i].id
    panes[i] = PaneState(id: id, weights: panes[i].weights)
    panes[i].analysisGeneration = gen
    return [.analyze(id, generation: gen, scenario: scenario(forPane: i))]
  }

  /// Evaluates pane `i`'s I2F for the current δ at its latest stage and, when the current δ has
  /// no attack yet, prepares one. Singular directions wait for the full spectrum (δ needs it);
  /// every other δ needs only g0, so the attack is ready as soon as the products are.
  mutating func evaluate(_ i: Int) -> [ExplorerEffect] {
    guard let analysis = panes[i].analysis else { return [] }
    let s = scenario(forPane: i)
    if s.deltaNeedsSpectrum && !analysis.isComplete { return [] }
    let gen = takeGeneration()
    panes[i].evaluationGeneration = gen
    panes[i].evaluating = true
    var effects: [ExplorerEffect] = [.evaluate(panes[i].id, generation: gen, scenario: s)]
    if panes[i].attackGeneration == 0 { effects += restartAttack(i) }
    return effects
  }

  /// Replaces pane `i`'s attack by a fresh one for the current δ and preset (once δ can be computed).
  mutating func restartAttack(_ i: Int) -> [ExplorerEffect] {
    panes[i].attack = nil
    panes[i].attackGeneration = 0
    panes[i].attackFailure = nil
    guard let analysis = panes[i].analysis else { return [] }
    let s = scenario(forPane: i)
    if s.deltaNeedsSpectrum && !analysis.isComplete { return [] }
    let gen = takeGeneration()
    panes[i].attackGeneration = gen
    return [.prepareAttack(panes[i].id, generation: gen, scenario: s, attack: attack),
            .attack(panes[i].id, .speed(AttackSpeed.levels[speed].perSecond))]
  }

  /// Re-evaluates every pane after a change of δ (`restartAttack`: the attacks start over on the
  /// new g0 + δ) or of the ridge (the attacks go on).
  private mutating func reevaluateAll(restartAttack: Bool) -> [ExplorerEffect] {
    panes.indices.flatMap { i -> [ExplorerEffect] in
      if restartAttack {
        panes[i].attack = nil
        panes[i].attackGeneration = 0
        panes[i].attackFailure = nil
      }
      return evaluate(i)
    }
  }

  private mutating func addPane() -> [ExplorerEffect] {
    guard panes.count < 4 else { return [] }
    let used = Set(panes.map(\.weights))
    let next = weightChoices.first { !used.contains($0) } ?? .initializer(.uniform, seed: seed &+ UInt64(panes.count))
    panes.append(PaneState(id: takePaneID(), weights: next))
    focus = panes.count - 1
    return reanalyze(panes.count - 1)
  }

  private mutating func takeGeneration() -> Int {
    defer { nextGeneration += 1 }
    return nextGeneration
  }
}
