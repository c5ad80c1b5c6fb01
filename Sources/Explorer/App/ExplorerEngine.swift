import Autodiff
import Foundation
import Leakage
import Studies

/// The explorer's heavy work, off the UI thread: analyses (stage by stage, cached per analysis
/// key), I2F evaluations, attacks, data sets, exports. The main loop calls ``perform(_:)`` with
/// the update's effects and ``drain()`` every tick; results come back as ``ExplorerEvent``s.
///
/// Threading: the engine is main-actor isolated — the main loop is its only caller, and the
/// compiler keeps everything else away from its tables. The work itself never runs there:
/// analyses, evaluations, attack preparation, data sets and exports run as tasks on
/// ``ComputeExecutor`` (threads of their own, never the cooperative pool), each attack on its
/// ``AttackRunner``'s thread. They answer through the ``EngineMailbox``, a locked queue and the
/// only object they share with the main thread. ``BackgroundWork`` counts all of it, so that
/// ``shutdown(grace:)`` can let it end before the process exits.
///
/// What the engine keeps is only what the state cannot hold: per pane the analysis stages (for
/// evaluations and attacks), its tasks and its attack runner, all keyed by ``PaneID``; and the
/// cache of analyses. Reports, snapshots and everything shown live in ``ExplorerState`` alone.
@MainActor
public final class ExplorerEngine {
  private let catalogue: SampleCatalogue
  private let trainedWeights: TrainedWeightsCache
  private let mailbox = EngineMailbox()
  private let background = BackgroundWork()
  private var panes: [PaneID: PaneWork] = [:]
  private var cache = AnalysisCache(capacity: 12)

  /// A pane's work in progress.
  private struct PaneWork {
    /// The analysis request being answered.
    var generation = 0
    /// Its stages so far (nil until the products are computed).
    var stages: AnalysisStages?
    var analysisTask: Task<Void, Never>?
    var evaluationTask: Task<Void, Never>?
    var runner: AttackRunner?
  }

  /// `trainedWeights`: where `trained` initialisations are read from (and trained into).
  public init(catalogue: SampleCatalogue, trainedWeights: TrainedWeightsCache = .user()) {
    self.catalogue = catalogue
    self.trainedWeights = trainedWeights
  }

  isolated deinit { shutdown() }

  /// Starts the work an update asked for.
  public func perform(_ effect: ExplorerEffect) {
    switch effect {
    case .analyze(let id, let gen, let scenario): analyze(id, gen, scenario)
    case .evaluate(let id, let gen, let scenario): evaluate(id, gen, scenario)
    case .prepareAttack(let id, let gen, let scenario, let attack): prepareAttack(id, gen, scenario, attack)
    case .attack(let id, let command): panes[id]?.runner?.apply(command)
    case .dropPane(let id): drop(id)
    case .loadDataset(let name):
      let catalogue = self.catalogue, mailbox = self.mailbox
      spawn {
        do { mailbox.post(.datasetLoaded(name: name, try catalogue.dataset(named: name))) }
        catch { mailbox.post(.datasetFailed(name: name, message: "\(error)")) }
      }
    case .export(let request): export(request)
    case .loadResults(let path):
      let mailbox = self.mailbox
      spawn {
        do { mailbox.post(.resultsLoaded(try ResultFile(path: path))) }
        catch { mailbox.post(.resultsFailed(path: path, message: "\(error)")) }
      }
    }
  }

  /// The results since the last call, in order. Analysis stages are also kept here (for the
  /// evaluations and attacks the state will ask for) and cached.
  public func drain() -> [ExplorerEvent] {
    mailbox.take().compactMap { message in
      switch message {
      case .event(let event):
        return event
      case .stage(let id, let gen, let key, let stages):
        cache.store(stages, for: key)
        guard panes[id]?.generation == gen else { return nil }
        panes[id]?.stages = stages
        return .analysisStage(id, generation: gen, Self.summary(stages.latest))
      }
    }
  }

  /// Stops every background task and attack thread, then waits up to `grace` for the work in
  /// flight to end (an export to be written, a step to finish); returns whether it all ended.
  /// Computations stop at their next cancellation point, so a long one may outlast the grace.
  @discardableResult
  public func shutdown(grace: Duration = .zero) -> Bool {
    for work in panes.values {
      work.analysisTask?.cancel()
      work.evaluationTask?.cancel()
      work.runner?.stop()
    }
    panes = [:]
    return background.waitUntilIdle(timeout: grace)
  }

  /// Runs `body` on the compute executor, counted as work in flight until it returns.
  @discardableResult
  private func spawn(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
    let background = self.background
    background.begin()
    return Task.detached(executorPreference: ComputeExecutor.shared) {
      defer { background.end() }
      await body()
    }
  }

  // MARK: - Analyses

  /// Loads the victim and computes the stages the cache lacks: products, λmax, the spectrum.
  private func analyze(_ id: PaneID, _ gen: Int, _ scenario: Scenario) {
    var work = panes[id] ?? PaneWork()
    work.analysisTask?.cancel()
    work.evaluationTask?.cancel()
    // The old attack stops now (generations only grow, so this one is newer than it).
    work.runner?.clear(generation: gen)
    work.generation = gen
    work.stages = nil
    let key = scenario.analysisKey
    let cached = cache[key]
    let catalogue = self.catalogue, mailbox = self.mailbox, trainedWeights = self.trainedWeights
    work.analysisTask = spawn {
      do {
        let victim = try cached?.products.victim ?? scenario.victim(using: catalogue, trainedWeights: trainedWeights) { progress in
          mailbox.post(.trainingProgress(id, generation: gen, progress))
        }
        try Task.checkCancellation()
        mailbox.post(.victimLoaded(id, generation: gen, Self.summary(victim)))
        var stages = cached ?? AnalysisStages(scenario.products(of: victim))
        mailbox.post(.stage(id, generation: gen, key: key, stages))
        if stages.latest.lambdaMax == nil {
          try Task.checkCancellation()
          stages.latest = try stages.latest.withLargestEigenvalue()
          mailbox.post(.stage(id, generation: gen, key: key, stages))
        }
        if !stages.latest.isComplete {
          try Task.checkCancellation()
          stages.latest = try stages.latest.withSpectrum(
            scenario.method, ridge: scenario.ridge,
            progress: { mailbox.post(.analysisProgress(id, generation: gen, fraction: $0)) },
            status: { mailbox.post(.analysisStatus(id, generation: gen, $0)) })
          mailbox.post(.stage(id, generation: gen, key: key, stages))
        }
      } catch is CancellationError {
      } catch {
        mailbox.post(.analysisFailed(id, generation: gen, message: "\(error)"))
      }
    }
    panes[id] = work
  }

  nonisolated static func summary(_ v: VictimBatch) -> VictimSummary {
    VictimSummary(images: v.images, labels: v.labels, model: v.network.spec.description, architecture: v.network.spec.source.shortName,
                  weights: v.weights.provenance, inputCount: v.inputCount, parameterCount: v.parameterCount, normalization: v.normalization)
  }

  nonisolated static func summary(_ a: Analysis) -> AnalysisSummary {
    AnalysisSummary(method: a.methodName, isComplete: a.isComplete, hasLargestEigenvalue: a.lambdaMax != nil, eigenvalues: a.eigenvalues,
                    gradientNorm: a.sharedGradient.norm(), seconds: a.setupSeconds)
  }

  // MARK: - Evaluations and attacks

  /// `scenario.evaluate` at the pane's latest stage.
  private func evaluate(_ id: PaneID, _ gen: Int, _ scenario: Scenario) {
    guard let analysis = panes[id]?.stages?.latest else { return }
    panes[id]?.evaluationTask?.cancel()
    let mailbox = self.mailbox
    panes[id]?.evaluationTask = spawn {
      do {
        let report = try scenario.evaluate(analysis)
        try Task.checkCancellation()
        mailbox.post(.evaluated(id, generation: gen, report))
      } catch is CancellationError {
      } catch {
        mailbox.post(.evaluationFailed(id, generation: gen, message: "\(error)"))
      }
    }
  }

  /// A fresh attack on g0 + δ: δ from the products stage (the spectrum stage for singular
  /// directions), so it is the δ of every stage's evaluation and needs no spectrum.
  private func prepareAttack(_ id: PaneID, _ gen: Int, _ scenario: Scenario, _ configuration: AttackConfiguration) {
    guard let stages = panes[id]?.stages else { return }
    let runner = runner(id)
    runner.clear(generation: gen)
    let mailbox = self.mailbox
    spawn {
      do {
        let analysis = scenario.deltaNeedsSpectrum ? stages.latest : stages.products
        let problem = scenario.attackProblem(analysis, try scenario.evaluate(analysis))
        runner.install(try AttackStepper<Float>(problem: problem, configuration: configuration), generation: gen)
      } catch {
        mailbox.post(.attackFailed(id, generation: gen, message: "\(error)"))
      }
    }
  }

  private func runner(_ id: PaneID) -> AttackRunner {
    if let r = panes[id]?.runner { return r }
    let mailbox = self.mailbox
    let r = AttackRunner(pane: id, background: background) { mailbox.post($0) }
    panes[id, default: PaneWork()].runner = r
    return r
  }

  private func drop(_ id: PaneID) {
    guard let work = panes.removeValue(forKey: id) else { return }
    work.analysisTask?.cancel()
    work.evaluationTask?.cancel()
    work.runner?.stop()
  }

  // MARK: - Export

  private func export(_ request: ExportRequest) {
    let directory = request.directory.isEmpty ? "i2f-export-\(Self.timestamp())" : request.directory
    let mailbox = self.mailbox
    spawn {
      do {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let original = request.original { try ImageExport.writePNG(original, to: dir.appendingPathComponent("original.png")) }
        var numbers: [String: [String: Double]] = [:]
        for pane in request.panes {
          if let p = pane.prediction { try ImageExport.writePNG(p, to: dir.appendingPathComponent("\(pane.name)-i2f.png")) }
          if let r = pane.reconstruction { try ImageExport.writePNG(r, to: dir.appendingPathComponent("\(pane.name)-attack.png")) }
          numbers[pane.name] = pane.numbers
        }
        let json = try request.configuration.json(numbers: numbers)
        try FileIO.writeAtomically(Array(json), to: dir.appendingPathComponent("view.json"))
        mailbox.post(.exported(directory: directory))
      } catch {
        mailbox.post(.exportFailed(message: "export to \(directory) failed: \(error)"))
      }
    }
  }

  nonisolated static func timestamp() -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyyMMdd-HHmmss"
    f.locale = Locale(identifier: "en_US_POSIX")
    return f.string(from: Date())
  }
}

/// An analysis's stages as far as computed: the first (what δ and the attacks need) and the most
/// advanced (what the evaluations use).
struct AnalysisStages: Sendable {
  let products: Analysis
  var latest: Analysis

  init(_ products: Analysis) {
    self.products = products
    latest = products
  }
}

/// Analyses by ``Scenario/analysisKey``, the most recently stored kept (at most `capacity`); a
/// more advanced stage replaces a less advanced one.
struct AnalysisCache {
  let capacity: Int
  private var entries: [Scenario: AnalysisStages] = [:]
  private var order: [Scenario] = []

  init(capacity: Int) { self.capacity = capacity }

  subscript(key: Scenario) -> AnalysisStages? { entries[key] }

  mutating func store(_ stages: AnalysisStages, for key: Scenario) {
    if let old = entries[key], Self.rank(old.latest) > Self.rank(stages.latest) { return }
    entries[key] = stages
    order.removeAll { $0 == key }
    order.append(key)
    while order.count > capacity { entries[order.removeFirst()] = nil }
  }

  private static func rank(_ a: Analysis) -> Int { a.isComplete ? 2 : (a.lambdaMax != nil ? 1 : 0) }
}

/// The queue through which background work answers the engine: any thread posts, the main
/// loop takes. Taking only removes messages; the engine acts on them in ``ExplorerEngine/drain()``.
final class EngineMailbox: @unchecked Sendable {
  enum Message: Sendable {
    case event(ExplorerEvent)
    /// An analysis stage for the engine to keep (and report to the state).
    case stage(PaneID, generation: Int, key: Scenario, AnalysisStages)
  }

  private let lock = NSLock()
  /// Guarded by `lock`.
  private var messages: [Message] = []

  func post(_ event: ExplorerEvent) { post(.event(event)) }

  func post(_ message: Message) { lock.withLock { messages.append(message) } }

  /// Everything posted since the last call, in order.
  func take() -> [Message] {
    lock.withLock {
      defer { messages = [] }
      return messages
    }
  }
}
