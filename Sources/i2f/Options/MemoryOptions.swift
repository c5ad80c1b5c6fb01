import ArgumentParser
import Leakage

/// `--max-memory`: the largest single allocation (dense J and J·Jᵀ, a Lanczos basis, a file read
/// whole) a command may make before it refuses with a message instead of being OOM-killed.
struct MemoryOptions: ParsableArguments {
  @Option(name: .customLong("max-memory"), help: ArgumentHelp(
    "Memory one large request may take, e.g. 4G or 512M (default: \(Int(MemoryBudget.defaultFraction * 100))% of physical memory).",
    discussion: "The dense path, a Lanczos basis and whole-file reads check their size against it first and refuse with a message naming the size and what to do instead.",
    valueName: "size"),
    transform: Parse.memory)
  var maxMemory: MemoryBudget?

  /// Makes `--max-memory` the budget every check in this process uses (when it was given).
  func apply() {
    if let maxMemory { MemoryBudget.current = maxMemory }
  }
}
