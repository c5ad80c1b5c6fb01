import ArgumentParser
import Autodiff
import Foundation
import Leakage
import Studies

/// `i2f sweep`: many runs (samples × models × inits × seeds × noises × attacks) into a JSONL
/// result file that survives crashes and resumes; `i2f sweep merge` joins shards.
struct Sweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a grid of experiments into a JSONL result file (resumable, shardable).",
    discussion: """
      Every combination of the lists is one run with a stable id (a hash of its configuration). Rows \
      are appended whole and synced one by one, so a killed sweep loses only the runs in flight: \
      run the same command again and it does only what is missing. Failed runs become rows with an \
      "error" (rerun them with --retry-errors; the last row per id wins). See docs/cluster.md for \
      Slurm and GNU parallel, and 'i2f sweep run --help' for every option.
      """,
    subcommands: [Run.self, Merge.self],
    defaultSubcommand: Run.self)

  /// `i2f sweep [run]`: expand the plan and run what the result file lacks.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run", abstract: "Run the plan's missing runs (the default of i2f sweep).",
      discussion: "Plan fields (keys of a plan file, or --vary FIELD=…):\n"
        + SweepField.all.map { "  \($0.planKey): \($0.summary)" }.joined(separator: "\n"))

    @Option(help: "Plan file (JSON object of lists: samples, models, inits, seeds, noises, attacks, iterations, …); the list options below override its fields.")
    var plan: String?

    @Option(help: ArgumentHelp("Samples, comma-separated: digits:0-199 is one run per item, batch:digits:0-3 one run on a batch.", valueName: "list"))
    var samples: [String] = []

    @Option(help: ArgumentHelp("Models: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")) (default convnet5).", valueName: "list"))
    var models: [String] = []

    @Option(help: ArgumentHelp("Initialisations: uniform, normal, xavier, kaiming, trained, or weights files (default uniform).", valueName: "list"))
    var inits: [String] = []

    @Option(help: ArgumentHelp("Seeds of the initialisation, noise and attack start; 0-4 is a range (default 0).", valueName: "list"))
    var seeds: [String] = []

    @Option(help: ArgumentHelp("Perturbations: none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top|bottom:K (default gaussian:1e-3).", valueName: "list"))
    var noise: [String] = []

    @Option(help: ArgumentHelp("Attacks: dlg, ig, l2adam, none (default none: the prediction only).", valueName: "list"))
    var attacks: [String] = []

    @Option(help: ArgumentHelp("Attack iterations (default: each preset's).", valueName: "list"))
    var iterations: [String] = []

    @Option(help: ArgumentHelp("Any plan field as FIELD=V1,V2 (e.g. ridges=1e-6x,1e-4x, widths=32,128, direction_norms=0.1).", valueName: "field=list"))
    var vary: [String] = []

    @Option(help: "Result file (JSON lines); created if missing, resumed if not.")
    var out: String?

    @Option(help: "Run only shard K of N (K from 0): K/N, or slurm for the Slurm array task (see docs/cluster.md).")
    var shard: String?

    @Option(help: "Runs at a time for small problems (default: the number of cores).")
    var jobs: Int?

    @Option(help: "How runs share the cores: auto (small problems side by side, large ones alone with parallel kernels), runs, kernels.")
    var parallel = "auto"

    @Flag(help: "Run again the ids whose row is an error row (the new row supersedes it).")
    var retryErrors = false

    @Flag(help: "Print the plan (with defaults) as a plan file and exit.")
    var printPlan = false

    @Flag(help: "Print this shard's runs, one JSON object per line (id and configuration), and exit.")
    var printPoints = false

    @Option(help: "Directory with your MNIST IDX files or CIFAR-10 binary batches.")
    var data: String?

    @OptionGroup var memoryOptions: MemoryOptions

    @Option(help: "Directory of the embedded samples (default: ./Samples, $I2F_SAMPLES, or next to the executable).")
    var samplesDir: String?

    @Option(help: .hidden)
    var executor: String?

    func validate() throws {
      guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
      guard SweepRunner.Parallelism(rawValue: parallel) != nil else { throw ValidationError("--parallel must be auto, runs or kernels") }
      if !printPlan && !printPoints && out == nil { throw ValidationError("--out FILE.jsonl is required (the result file)") }
    }

    func run() throws {
      memoryOptions.apply()
      let plan = try sweepPlan()
      if printPlan {
        print(plan.fileText(), terminator: "")
        return
      }
      let all = try plan.points()
      let shard = try shard.map { try SweepShard(parsing: $0, environment: ProcessInfo.processInfo.environment) }
      let points = shard?.select(all) ?? all
      if printPoints {
        for p in points { print(JSONValue.object([("id", .string(p.id))] + p.configuration).rendered()) }
        return
      }
      guard let out else { return }
      let executor: any SweepExecutor = try self.executor.map { try SyntheticExecutor(parsing: $0) }
        ?? ScenarioExecutor(catalogue: SampleCatalogue(samplesDirectory: samplesDir.map { URL(fileURLWithPath: $0) },
                                                       dataDirectory: data.map { URL(fileURLWithPath: $0) }))
      let store = try ResultStore(path: out)
      let runner = SweepRunner(version: I2F.configuration.version, jobs: jobs ?? Parallel.coreCount, parallelism: SweepRunner.Parallelism(rawValue: parallel) ?? .auto,
                               retryErrors: retryErrors)
      let shardText = shard.map { " (shard \($0) of the plan's \(all.count))" } ?? ""
      let recovered = store.recoveredTornBytes > 0 ? "; cut off a torn last line (\(store.recoveredTornBytes) bytes), its run is redone" : ""
      Self.note("sweep: \(points.count) runs\(shardText) into \(out) (\(store.latest.count) ids already there\(recovered))")
      let interruption = SweepInterruption.catching()
      defer { interruption.release() }
      let summary = try runner.run(points, executor: executor, store: store, progress: .standardError(), interruption: interruption)
      store.close()
      Self.note(summary.description)
      if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }

    /// The plan file (if any) with the command line's lists on top.
    func sweepPlan() throws -> SweepPlan {
      var plan = try self.plan.map { try SweepPlan.read($0) } ?? SweepPlan()
      let lists: [(String, [String])] = [
        ("samples", samples), ("models", models), ("inits", inits), ("seeds", seeds), ("noises", noise), ("attacks", attacks),
        ("iterations", iterations),
      ]
      for (key, values) in lists where !values.isEmpty { try plan.set(key, commandLine: values) }
      for assignment in vary {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--vary '\(assignment)': expected FIELD=V1,V2") }
        try plan.set(parts[0], commandLine: [parts[1]])
      }
      return plan
    }

    static func note(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
  }

  /// `i2f sweep merge`: shards into one file.
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Join result files (shards) into one, checking for conflicts and, with --plan, for missing runs.",
      discussion: """
        Within a file the last row per id wins; across files the same result twice is kept once \
        (wall times and host ignored), a result beats an error row, and two different results for \
        one id fail the merge naming the ids. With --plan, runs of the plan without a row fail it \
        too (unless --allow-missing). The output is written atomically (temporary file, fsync, rename).
        """)

    @Argument(help: "Result files to join.")
    var files: [String]

    @Option(help: "Merged result file.")
    var out: String

    @Option(help: "Plan file: check that every run of the plan has a row.")
    var plan: String?

    @Flag(help: "Write the merged file even when runs of the plan have no row.")
    var allowMissing = false

    func validate() throws {
      guard !files.isEmpty else { throw ValidationError("give at least one result file to merge") }
    }

    func run() throws {
      SignalHandling.install()
      let inputs = try files.map { try ResultFile(path: $0) }
      for f in inputs where f.tornBytes > 0 {
        Run.note("\(f.path): ignored a torn last line (\(f.tornBytes) bytes); rerun its sweep to redo that run")
      }
      let merge = ResultMerge(inputs, plan: try plan.map { try SweepPlan.read($0).points() })
      if !merge.missing.isEmpty && allowMissing {
        Run.note("warning: \(MergeError.missing(merge.missing).description.replacingOccurrences(of: "; nothing was written", with: ""))")
      }
      try merge.check(allowMissing: allowMissing)
      try FileIO.writeAtomically(merge.bytes, to: URL(fileURLWithPath: out))
      let errors = merge.rows.filter { $0.error != nil }.count
      var line = "merged \(inputs.count) file\(inputs.count == 1 ? "" : "s") (\(merge.inputRows) rows) into \(out): \(merge.rows.count) runs, \(errors) with errors"
      if merge.duplicatesDropped > 0 { line += "; \(merge.duplicatesDropped) duplicate rows dropped" }
      if merge.supersededErrors > 0 { line += "; \(merge.supersededErrors) error rows superseded by results" }
      if !merge.extra.isEmpty { line += "; \(merge.extra.count) runs not in the plan kept" }
      print(line)
    }
  }
}
