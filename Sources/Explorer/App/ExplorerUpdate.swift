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
    case .analysisProgress(let i, let gen, let fraction):
      guard panes.indices.contains(i), panes[i].analysisGeneration == gen else { return [] }
      panes[i].analysis = .computing(progress: fraction)
      return []
    case .analysisReady(let i, let gen, let summary):
      guard panes.indices.contains(i), panes[i].analysisGeneration == gen else { return [] }
      panes[i].analysis = .ready(summary)
      return reevaluate(i)
    case .analysisFailed(let i, let gen, let text):
      guard panes.indices.contains(i), panes[i].analysisGeneration == gen else { return [] }
      panes[i].analysis = .failed(text)
      message = .transient(text, severity: .error, now: now, duration: .seconds(8))
      return []
    case .evaluated(let i, let gen, let report):
      guard panes.indices.contains(i), panes[i].evaluationGeneration == gen else { return [] }
      panes[i].report = report
      panes[i].evaluating = false
      return []
    case .evaluationFailed(let i, let gen, let text):
      guard panes.indices.contains(i), panes[i].evaluationGeneration == gen else { return [] }
      panes[i].evaluating = false
      message = .transient(text, severity: .error, now: now, duration: .seconds(6))
      return []
    case .attackProgress(let i, let gen, let snapshot):
      guard panes.indices.contains(i), panes[i].attackGeneration == gen else { return [] }
      panes[i].attack = snapshot
      panes[i].attackRunning = snapshot.running
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
      overlay = .picker(.model, ListPicker(items: Architecture.allCases.map { PickerItem($0.rawValue, detail: $0.summary) },
                                           selection: Architecture.allCases.firstIndex { scenario.model == .builtin($0) } ?? 0))
    case .pickInitialization:
      overlay = .picker(.initialization, ListPicker(items: weightChoices.map(Self.pickerItem),
                                                    selection: weightChoices.firstIndex(of: panes[p].weights) ?? 0))
    case .pickPerturbation:
      let kinds = PerturbationControl.Kind.allCases
      overlay = .picker(.perturbation, ListPicker(items: kinds.map { PickerItem($0.title, detail: $0.summary) },
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
      control.adjust(by: action == .increase ? 1 : -1, maxDirection: panes[p].report?.rank ?? panes[p].summary?.inputCount ?? 1)
      return reevaluateAll()
    case .toggleDirectionEnd:
      control.directionEnd = control.directionEnd == .top ? .bottom : .top
      return reevaluateAll()
    case .newNoiseDraw:
      scenario.noiseSeed &+= 1
      message = .transient("noise draw \(scenario.noiseSeed)", now: now)
      return reevaluateAll()
    case .ridgeUp, .ridgeDown:
      let f = action == .ridgeUp ? 10.0 : 0.1
      switch scenario.ridge {
      case .relative(let r): scenario.ridge = .relative(r == 0 ? 1e-12 : Swift.min(r * f, 1))
      case .absolute(let e): scenario.ridge = .absolute(e == 0 ? 1e-12 : e * f)
      }
      return reevaluateAll()
    case .targetUp: targetRMSE = Swift.min(targetRMSE * 2, 1)
    case .targetDown: targetRMSE = Swift.max(targetRMSE / 2, 1e-4)
    case .runPause:
      let run = !panes[p].attackRunning
      panes[p].attackRunning = run
      return [.attack(pane: p, run ? .run : .pause)]
    case .step: return [.attack(pane: p, .step(1))]
    case .stepTen: return [.attack(pane: p, .step(10))]
    case .runToEnd:
      panes[p].attackRunning = true
      return [.attack(pane: p, .finish)]
    case .resetAttack:
      panes[p].attackRunning = false
      return [.attack(pane: p, .reset)]
    case .faster, .slower:
      speed = Swift.max(0, Swift.min(AttackSpeed.levels.count - 1, speed + (action == .faster ? 1 : -1)))
      message = .transient("attack speed \(AttackSpeed.levels[speed].label)", now: now)
      return panes.indices.map { .attack(pane: $0, .speed(AttackSpeed.levels[speed].perSecond)) }
    case .runAll:
      let run = !panes.allSatisfy(\.attackRunning)
      var effects: [ExplorerEffect] = []
      for i in panes.indices where panes[i].summary != nil && !(panes[i].attack?.finished ?? false) {
        panes[i].attackRunning = run
        effects.append(.attack(pane: i, run ? .run : .pause))
      }
      return effects
    case .toggleCompare:
      screen = screen == .main ? .compare : .main
      focus = Swift.min(focus, panes.count - 1)
      if screen == .compare && panes.count < 2 { return addPane() }
    case .nextPane: focus = (focus + 1) % panes.count
    case .previousPane: focus = (focus + panes.count - 1) % panes.count
    case .addPane: return addPane()
    case .removePane:
      guard panes.count > 2 else { return [] }
      let removed = focus
      panes.remove(at: removed)
      focus = Swift.min(focus, panes.count - 1)
      return [.dropPane(removed)]
    case .export:
      let config = ExplorerConfiguration(scenario: scenario, control: control, attack: attack, panes: panes.map(\.weights),
                                         compare: screen == .compare, targetRMSE: targetRMSE)
      message = .transient("exporting…", now: now)
      return [.export(ExplorerSnapshotRequest(configuration: config, directory: ""))]
    }
    return []
  }

  static let helpScopes: [KeyScope] = [.global, mainScope, compareScope, overlayScope]

  static func pickerItem(_ w: WeightSource) -> PickerItem {
    switch w {
    case .initializer(let i, let seed): PickerItem(i.rawValue, detail: "\(i.summary), seed \(seed)")
    case .file(let path): PickerItem(w.shortName, detail: "trained weights: \(path)")
    case .embedded: PickerItem(w.shortName, detail: "the weights stored in the model file")
    }
  }

  // MARK: - Choices

  private mutating func choose(_ kind: PickerKind, _ index: Int, now: ContinuousClock.Instant) -> [ExplorerEffect] {
    switch kind {
    case .model:
      let arch = Architecture.allCases[index]
      guard .builtin(arch) != scenario.model else { return [] }
      scenario.model = .builtin(arch)
      // Trained or embedded weights belong to one model: fall back to the default initialisation.
      for i in panes.indices {
        switch panes[i].weights {
        case .file, .embedded: panes[i].weights = .initializer(.uniform, seed: 0)
        case .initializer: break
        }
      }
      return panes.indices.flatMap { reanalyze($0) }
    case .initialization:
      let w = weightChoices[index]
      guard w != panes[activePane].weights else { return [] }
      panes[activePane].weights = w
      if activePane == 0 { scenario.weights = w }
      return reanalyze(activePane)
    case .perturbation:
      control.kind = PerturbationControl.Kind.allCases[index]
      return reevaluateAll()
    case .attack:
      let chosen = AttackConfiguration.presets[index]
      attack = chosen
      message = .transient("attack \(chosen.preset): \(chosen.iterations) iterations", now: now)
      return reevaluateAll()
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

  /// Starts pane `i`'s analysis afresh.
  mutating func reanalyze(_ i: Int) -> [ExplorerEffect] {
    let gen = takeGeneration()
    panes[i].analysisGeneration = gen
    panes[i].analysis = .computing(progress: 0)
    panes[i].report = nil
    panes[i].attack = nil
    panes[i].attackRunning = false
    panes[i].evaluationGeneration = 0
    panes[i].attackGeneration = 0
    return [.analyze(pane: i, generation: gen, scenario: scenario(forPane: i))]
  }

  /// Evaluates pane `i`'s I2F for the current δ and prepares a fresh attack (paused).
  mutating func reevaluate(_ i: Int) -> [ExplorerEffect] {
    guard panes[i].summary != nil else { return [] }
    let gen = takeGeneration(), attackGen = takeGeneration()
    panes[i].evaluationGeneration = gen
    panes[i].attackGeneration = attackGen
    panes[i].evaluating = true
    panes[i].attackRunning = false
    return [.evaluate(pane: i, generation: gen, scenario: scenario(forPane: i), attack: attack, attackGeneration: attackGen),
            .attack(pane: i, .speed(AttackSpeed.levels[speed].perSecond))]
  }

  private mutating func reevaluateAll() -> [ExplorerEffect] { panes.indices.flatMap { reevaluate($0) } }

  private mutating func addPane() -> [ExplorerEffect] {
    guard panes.count < 4 else { return [] }
    let used = Set(panes.map(\.weights))
    let next = weightChoices.first { !used.contains($0) } ?? .initializer(.uniform, seed: UInt64(panes.count))
    panes.append(PaneState(weights: next))
    focus = panes.count - 1
    return reanalyze(panes.count - 1)
  }

  private mutating func takeGeneration() -> Int {
    defer { nextGeneration += 1 }
    return nextGeneration
  }
}
