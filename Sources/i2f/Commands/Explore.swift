import ArgumentParser
import Explorer
import Foundation
import Leakage
import Studies

/// `i2f explore` (the default): the full-screen explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open the terminal explorer (the default command).",
    discussion: """
      Shows the original image, the attacker's reconstruction and the reconstruction I2F predicts, \
      with the I2F numbers updating live as the perturbation changes. Press ? inside for every key; \
      c opens the side-by-side comparison of initialisations. With --config, options given on the \
      command line win over the reopened view's. With --results, it opens on the runs of a sweep \
      result file (Enter opens a run, Esc returns to the list; R reopens the last file used).
      """)

  @OptionGroup var scenario: ScenarioOptions

  @Option(help: "Attack preset: dlg, ig, l2adam (default: dlg).")
  var preset: String?

  @Option(help: "Open the compare view with these initialisations, comma-separated (e.g. uniform,xavier,kaiming,trained).")
  var compare: String?

  @Option(help: "Reopen a view exported with e (its view.json). Options given on the command line win over the file's.")
  var config: String?

  @Option(help: "Open on the runs of a sweep result file (i2f sweep --out writes it): sort, filter, and open a run with Enter.")
  var results: String?

  @Option(help: "Directory of trained weights offered as initialisations (i2f train writes there).")
  var weightsDir = "Weights"

  @Option(help: "Directory of models offered in the model picker: .onnx files and i2f weights files (which name their model).")
  var modelsDir = "Models"

  @Flag(help: "No colours (also when NO_COLOR is set).")
  var noColor = false

  @Flag(help: "ASCII glyphs only.")
  var ascii = false

  @Flag(help: "Do not capture the mouse.")
  var noMouse = false

  @Option(help: "Terminal type to use instead of $TERM (e.g. xterm-direct for 24-bit colour).")
  var term: String?

  @Option(help: "Log file for diagnostics while the screen is in use.")
  var log: String?

  func validate() throws {
    if scenario.givenMethod == .lowerBound {
      throw ValidationError("--method lower-bound is for bound, attack and sweep: the explorer shows the lower bound first and computes the spectrum after it")
    }
  }

  func run() throws {
    scenario.memoryOptions.apply()
    let catalogue = scenario.catalogue()
    // A result file that cannot be read is an error before the screen is taken.
    let resultFile = try results.map { try ResultFile(path: $0) }
    var s = Scenario()
    var attack = AttackConfiguration.dlg
    var paneWeights: [WeightSource] = []
    var startInCompare = compare != nil
    var control: PerturbationControl?
    var target = 0.1
    if let config {
      let c = try ExplorerConfiguration.load(config)
      s = c.scenario
      s.weights = c.panes.first ?? s.weights
      attack = c.attack
      paneWeights = Array(c.panes.dropFirst())
      startInCompare = startInCompare || c.compare
      control = c.control
      target = c.targetRMSE
    }
    // What the command line gives wins over the reopened view.
    try scenario.apply(to: &s)
    if let preset { attack = try AttackConfiguration.preset(named: preset) }
    if scenario.perturbationGiven { control = nil }
    if let compare {
      let names = compare.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
      let sources = try names.map { try WeightSource(parsing: $0, seed: scenario.seed) }
      guard (1...4).contains(sources.count) else { throw ValidationError("--compare takes 1 to 4 initialisations") }
      s.weights = sources[0]
      paneWeights = Array(sources.dropFirst())
    }
    let seed = scenario.modelOptions.givenSeed ?? s.weights.seed ?? 0
    let choices = weightChoices(seed: seed, given: [s.weights] + paneWeights)
    if startInCompare && paneWeights.isEmpty {
      paneWeights = [choices.first { $0 != s.weights } ?? .initializer(.kaiming, seed: seed)]
    }
    var state = ExplorerState(scenario: s, attack: attack, compare: paneWeights, weightChoices: choices,
                              modelChoices: modelChoices(given: s.model), seed: seed, datasetNames: datasetNames(catalogue))
    if let control { state.control = control }
    state.targetRMSE = target
    if startInCompare { state.screen = .compare }
    let recent = RecentResultFile.user()
    state.resultsPath = results ?? recent.path
    if let resultFile {
      let list = ResultsList(file: resultFile)
      state.results = list
      state.screen = .results
      if let note = list.tornNote { state.message = .transient("\(resultFile.path): \(note)", severity: .warning, now: .now, duration: .seconds(8)) }
      recent.remember(resultFile.path)
    }
    let options = TerminalOptions(noColor: noColor, asciiOnly: ascii, mouse: !noMouse, terminalType: term, logPath: log)
    let ending = try MainActor.assumeIsolated { try ExplorerApp.run(state, catalogue: catalogue, options: options) }
    // Ended by SIGTERM or SIGHUP: the terminal is restored; exit as the signal conventionally does.
    let status = ending.signal.map { 128 + $0 } ?? 0
    if !ending.workEnded {
      // A computation is still running on other threads (past its cancellation point's reach):
      // end now, as the headless commands do on a signal, rather than run the process's exit
      // handlers under threads that still use what they tear down.
      fflush(nil)
      _exit(status)
    }
    if status != 0 { throw ExitCode(status) }
  }

  /// An ONNX model's own weights, the four initialisers, trained weights, every weights file in
  /// the weights directory, and weights files given on the command line.
  func weightChoices(seed: UInt64, given: [WeightSource]) -> [WeightSource] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: weightsDir)) ?? []
    let embedded: [WeightSource] = if case .onnx = scenario.modelOptions.model { [.embedded] } else { [] }
    var choices: [WeightSource] = embedded + Initializer.allCases.map { .initializer($0, seed: seed) } + [.trained(seed: seed)]
      + files.filter { $0.hasSuffix(".safetensors") }.sorted().map { .file((weightsDir as NSString).appendingPathComponent($0)) }
    for w in given where !choices.contains(w) { choices.append(w) }
    return choices
  }

  /// The built-in models, the models directory's `.onnx` files and i2f weights files (each with
  /// the model its metadata names), and a model file given on the command line.
  func modelChoices(given: ModelSource) -> [ModelChoice] {
    var choices = ModelChoice.builtins
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: modelsDir)) ?? []).sorted()
    for file in files {
      let path = (modelsDir as NSString).appendingPathComponent(file)
      if file.lowercased().hasSuffix(".onnx") {
        choices.append(ModelChoice(model: .onnx(path), name: file))
      } else if file.hasSuffix(".safetensors"), let spec = try? ModelWeights.storedSpec(path) {
        choices.append(ModelChoice(model: spec.source, weights: .file(path), name: file))
      }
    }
    if !choices.contains(where: { $0.model == given && $0.weights == nil }) { choices.append(ModelChoice(model: given)) }
    return choices
  }

  /// Embedded data sets, plus MNIST and CIFAR-10 when --data holds them.
  func datasetNames(_ catalogue: SampleCatalogue) -> [String] {
    var names = catalogue.samplesDirectory == nil ? [] : SampleAddress.embeddedDatasets
    if let data = scenario.dataOptions.data {
      let url = URL(fileURLWithPath: data)
      if (try? MNIST.locate(.test, in: url)) != nil { names.append("mnist") }
      if (try? CIFAR10.locate(.test, in: url)) != nil { names.append("cifar10") }
    }
    return names
  }
}
