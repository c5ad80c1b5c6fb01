import Autodiff
import Foundation
import Leakage

/// The explorer's heavy work, off the UI thread: analyses (cached per model, weights and sample),
/// I2F evaluations, attacks, data sets, exports. The main loop calls ``perform(_:)`` with the
/// update's effects and ``drain()`` every tick; results come back as ``ExplorerEvent``s.
public final class ExplorerEngine: @unchecked Sendable {
  private let catalogue: SampleCatalogue
  private let mailbox = Mailbox()
  // Main-thread state.
  private var analyses: [Int: Analysis] = [:]
  private var analysisTasks: [Int: Task<Void, Never>] = [:]
  private var evaluationTasks: [Int: Task<Void, Never>] = [:]
  private var runners: [Int: AttackRunner] = [:]
  private var cache: [CacheKey: Analysis] = [:]
  private var cacheOrder: [CacheKey] = []
  private var latestReports: [Int: Evaluation] = [:]
  private var latestAttacks: [Int: AttackSnapshot] = [:]

  typealias CacheKey = Scenario

  private var analysisGenerations: [Int: Int] = [:]

  public init(catalogue: SampleCatalogue) {
    self.catalogue = catalogue
    mailbox.engine = self
  }

  deinit { for r in runners.values { r.stop() } }

  /// Starts the work an update asked for.
  public func perform(_ effect: ExplorerEffect) {
    switch effect {
    case .analyze(let pane, let gen, let scenario): analyze(pane, gen, scenario)
    case .evaluate(let pane, let gen, let scenario, let attack, let attackGen): evaluate(pane, gen, scenario, attack, attackGen)
    case .attack(let pane, let command): runner(pane).apply(command)
    case .dropPane(let pane): dropPane(pane)
    case .loadDataset(let name):
      let catalogue = self.catalogue, mailbox = self.mailbox
      Task.detached(executorPreference: ComputeExecutor.shared) {
        do { mailbox.post(.datasetLoaded(name: name, try catalogue.dataset(named: name))) }
        catch { mailbox.post(.datasetFailed(name: name, message: "\(error)")) }
      }
    case .export(let request): export(request)
    }
  }

  /// Results since the last call, in order; also keeps the engine's own copies current.
  public func drain() -> [ExplorerEvent] {
    let events = mailbox.take()
    for e in events {
      switch e {
      case .evaluated(let pane, _, let report): latestReports[pane] = report
      case .attackProgress(let pane, _, let snapshot): latestAttacks[pane] = snapshot
      default: break
      }
    }
    return events
  }

  /// Stops every background task and attack thread.
  public func shutdown() {
    for t in analysisTasks.values { t.cancel() }
    for t in evaluationTasks.values { t.cancel() }
    for r in runners.values { r.stop() }
    runners = [:]
  }

  // MARK: - Analyses

  private func analyze(_ pane: Int, _ gen: Int, _ scenario: Scenario) {
    analysisTasks[pane]?.cancel()
    evaluationTasks[pane]?.cancel()
    analyses[pane] = nil
    analysisGenerations[pane] = gen
    let key = scenario.analysisKey
    if let cached = cache[key] {
      analyses[pane] = cached
      mailbox.post(.analysisReady(pane: pane, generation: gen, Self.summary(cached)))
      return
    }
    let catalogue = self.catalogue, mailbox = self.mailbox
    analysisTasks[pane] = Task.detached(executorPreference: ComputeExecutor.shared) {
      do {
        let victim = try scenario.victim(using: catalogue)
        let analysis = try scenario.analysis(of: victim) { f in
          mailbox.post(.analysisProgress(pane: pane, generation: gen, fraction: f))
        }
        try Task.checkCancellation()
        mailbox.post(.internalAnalysis(pane: pane, generation: gen, key: key, analysis))
      } catch is CancellationError {
      } catch {
        mailbox.post(.analysisFailed(pane: pane, generation: gen, message: "\(error)"))
      }
    }
  }

  /// Called (through the mailbox) on the main thread when an analysis finishes.
  fileprivate func store(_ analysis: Analysis, pane: Int, generation: Int, key: CacheKey) {
    if analysisGenerations[pane] == generation { analyses[pane] = analysis }
    cache[key] = analysis
    cacheOrder.removeAll { $0 == key }
    cacheOrder.append(key)
    while cacheOrder.count > 12 { cache[cacheOrder.removeFirst()] = nil }
  }

  static func summary(_ a: Analysis) -> AnalysisSummary {
    let v = a.victim
    var rank: Int?, lambdaMin: Double?
    switch a.spectrum {
    case .dense(let g): rank = g.rank; lambdaMin = g.lambdaMin
    case .matrixFree(let s): lambdaMin = s.lambdaMinEstimate
    default: break
    }
    return AnalysisSummary(
      images: v.images, labels: v.labels, eigenvalues: a.eigenvalues, lambdaMax: a.lambdaMax ?? 0,
      lambdaMin: lambdaMin ?? 0, method: a.methodName, seconds: a.setupSeconds, inputCount: v.inputCount,
      parameterCount: v.parameterCount, gradientNorm: a.sharedGradient.norm(), loss: a.jacobian.loss,
      model: v.network.spec.description, architecture: v.network.spec.source.shortName, weights: v.weights.provenance, rank: rank)
  }

  // MARK: - Evaluations and attacks

  private func evaluate(_ pane: Int, _ gen: Int, _ scenario: Scenario, _ attack: AttackConfiguration, _ attackGen: Int) {
    guard let analysis = analyses[pane] else { return }
    evaluationTasks[pane]?.cancel()
    let mailbox = self.mailbox, runner = runner(pane)
    evaluationTasks[pane] = Task.detached(executorPreference: ComputeExecutor.shared) {
      do {
        let report = try scenario.evaluate(analysis)
        try Task.checkCancellation()
        mailbox.post(.evaluated(pane: pane, generation: gen, report))
        let problem = scenario.attackProblem(analysis, report)
        runner.install(try AttackStepper<Float>(problem: problem, configuration: attack), generation: attackGen)
      } catch is CancellationError {
      } catch {
        mailbox.post(.evaluationFailed(pane: pane, generation: gen, message: "\(error)"))
      }
    }
  }

  private func runner(_ pane: Int) -> AttackRunner {
    if let r = runners[pane] { return r }
    let mailbox = self.mailbox
    let r = AttackRunner(pane: pane) { mailbox.post($0) }
    runners[pane] = r
    return r
  }

  private func dropPane(_ pane: Int) {
    analysisTasks[pane]?.cancel()
    evaluationTasks[pane]?.cancel()
    runners[pane]?.stop()
    func shifted<V>(_ d: [Int: V]) -> [Int: V] {
      Dictionary(uniqueKeysWithValues: d.compactMap { k, v in k == pane ? nil : (k > pane ? k - 1 : k, v) })
    }
    analyses = shifted(analyses)
    analysisGenerations = shifted(analysisGenerations)
    analysisTasks = shifted(analysisTasks)
    evaluationTasks = shifted(evaluationTasks)
    runners = shifted(runners)
    latestReports = shifted(latestReports)
    latestAttacks = shifted(latestAttacks)
  }

  // MARK: - Export

  private func export(_ request: ExplorerSnapshotRequest) {
    let stamp = Self.timestamp()
    let directory = request.directory.isEmpty ? "i2f-export-\(stamp)" : request.directory
    let panes = request.configuration.panes.indices.map { i in (analyses[i], latestReports[i], latestAttacks[i]) }
    let mailbox = self.mailbox
    Task.detached(executorPreference: ComputeExecutor.shared) {
      do {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var numbers: [String: [String: Double]] = [:]
        for (i, (analysis, report, attack)) in panes.enumerated() {
          let name = "pane\(i + 1)-\(request.configuration.panes[i].shortName)"
          if let analysis, i == 0 { try ImageExport.writePNG(analysis.victim.images, to: dir.appendingPathComponent("original.png")) }
          if let predicted = report?.predictedImages { try ImageExport.writePNG(predicted, to: dir.appendingPathComponent("\(name)-i2f.png")) }
          if let attack { try ImageExport.writePNG(attack.reconstruction, to: dir.appendingPathComponent("\(name)-attack.png")) }
          var n: [String: Double] = [:]
          if let r = report {
            n["lambda_max"] = r.lambdaMax; n["lambda_min"] = r.lambdaMin
            n["jdelta_norm"] = r.jDeltaNorm; n["i2f_norm"] = r.i2fNorm; n["i2f_ridge_norm"] = r.i2fRidgeNorm
            n["i2f_lb"] = r.lowerBound; n["predicted_rmse"] = r.predictedRMSE; n["delta_norm"] = r.deltaNorm
            n["grad_norm"] = r.gradientNorm
            if let ub = r.upperBound { n["i2f_ub"] = ub }
            if let e = r.expectedRMSE { n["expected_rmse"] = e }
            if let rank = r.rank { n["rank"] = Double(rank) }
          }
          if let a = attack {
            n["attack_iteration"] = Double(a.iteration); n["attack_rmse"] = a.metrics.rmse
            n["attack_psnr"] = a.metrics.psnr; n["attack_ssim"] = a.metrics.ssim
          }
          numbers[name] = n
        }
        let json = try request.configuration.json(numbers: numbers)
        try FileIO.writeAtomically(Array(json), to: dir.appendingPathComponent("view.json"))
        mailbox.post(.exported(directory: directory))
      } catch {
        mailbox.post(.exportFailed(message: "export to \(directory) failed: \(error)"))
      }
    }
  }

  static func timestamp() -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyyMMdd-HHmmss"
    f.locale = Locale(identifier: "en_US_POSIX")
    return f.string(from: Date())
  }

  /// Thread-safe queue of results; engine-internal messages are handled on `take`.
  final class Mailbox: @unchecked Sendable {
    enum Message {
      case event(ExplorerEvent)
      case internalAnalysis(pane: Int, generation: Int, key: CacheKey, Analysis)
    }
    private let lock = NSLock()
    private var messages: [Message] = []
    weak var engine: ExplorerEngine?

    func post(_ e: ExplorerEvent) { lock.withLock { messages.append(.event(e)) } }

    func post(_ m: Message) { lock.withLock { messages.append(m) } }

    func take() -> [ExplorerEvent] {
      let taken = lock.withLock { () -> [Message] in
        defer { messages = [] }
        return messages
      }
      return taken.compactMap { m in
        switch m {
        case .event(let e): return e
        case .internalAnalysis(let pane, let gen, let key, let analysis):
          engine?.store(analysis, pane: pane, generation: gen, key: key)
          return .analysisReady(pane: pane, generation: gen, ExplorerEngine.summary(analysis))
        }
      }
    }
  }
}
