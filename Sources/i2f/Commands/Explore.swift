import ArgumentParser
import Explorer
import Foundation
import Leakage

/// `i2f explore` (the default): the full-screen explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open the terminal explorer (the default command).",
    discussion: """
      Shows the original image, the attacker's reconstruction and the reconstruction I2F predicts, \
      with the I2F numbers updating live as the perturbation changes. Press ? inside for every key; \
      c opens the side-by-side comparison of initialisations.
      """)

  @OptionGroup var scenario: ScenarioOptions

  @Option(help: "Attack preset: dlg, ig, l2adam.")
  var preset = "dlg"

  @Option(help: "Open the compare view with these initialisations, comma-separated (e.g. uniform,xavier,kaiming).")
  var compare: String?

  @Option(help: "Reopen a view exported with e (its view.json).")
  var config: String?

  @Option(help: "Directory of trained weights offered as initialisations (i2f train writes there).")
  var weightsDir = "Weights"

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

  func run() throws {
    let catalogue = scenario.catalogue()
    var s = try scenario.scenario()
    var attack = try AttackConfiguration.preset(named: preset)
    var paneWeights: [WeightSource] = []
    var startInCompare = compare != nil
    var control: PerturbationControl?
    var target = 0.1
    if let config {
      let c = try ExplorerConfiguration.load(config)
      s = c.scenario
      attack = c.attack
      paneWeights = Array(c.panes.dropFirst())
      startInCompare = c.compare
      control = c.control
      target = c.targetRMSE
    } else if let compare {
      let names = compare.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
      let sources = try names.map { try WeightSource(parsing: $0, seed: scenario.seed) }
      guard (1...4).contains(sources.count) else { throw ValidationError("--compare takes 1 to 4 initialisations") }
      s.weights = sources[0]
      paneWeights = Array(sources.dropFirst())
    }
    var state = ExplorerState(scenario: s, attack: attack, compare: paneWeights, weightChoices: weightChoices(seed: scenario.seed),
                              datasetNames: datasetNames(catalogue))
    if let control { state.control = control }
    state.targetRMSE = target
    if startInCompare { state.screen = .compare }
    if state.screen == .compare && state.panes.count < 2 {
      state.panes.append(PaneState(weights: state.weightChoices.first { $0 != s.weights } ?? .initializer(.kaiming, seed: scenario.seed)))
    }
    let options = TerminalOptions(noColor: noColor, asciiOnly: ascii, mouse: !noMouse, terminalType: term, logPath: log)
    try ExplorerApp.run(state, catalogue: catalogue, options: options)
  }

  /// An ONNX model's own weights, the four initialisers, then every weights file in the weights
  /// directory.
  func weightChoices(seed: UInt64) -> [WeightSource] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: weightsDir)) ?? []
    let embedded: [WeightSource] = if case .onnx = scenario.modelOptions.model { [.embedded] } else { [] }
    return embedded + Initializer.allCases.map { .initializer($0, seed: seed) }
      + files.filter { $0.hasSuffix(".safetensors") }.sorted().map { .file((weightsDir as NSString).appendingPathComponent($0)) }
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
