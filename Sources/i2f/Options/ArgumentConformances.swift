import ArgumentParser
import Leakage

// Options are parsed once, by the types that define them. Plain choices are
// `ExpressibleByArgument` (the parser lists them in `--help`); values with a grammar
// (perturbations, ridges, models, starts) go through `Parse`, so a bad value is reported with the
// type's own one-line explanation.

extension Precision: ExpressibleByArgument {}
extension AnalysisMethod: ExpressibleByArgument {}
extension InputSpace: ExpressibleByArgument {}
extension AttackConfiguration.Objective: ExpressibleByArgument {}
extension AttackConfiguration.Optimizer: ExpressibleByArgument {}
extension TrainingConfiguration.Optimizer: ExpressibleByArgument {}
extension ResNetStem: ExpressibleByArgument {}

/// Transforms for `@Option(transform:)` that keep the parsing types' error messages.
enum Parse {
  static func model(_ s: String) throws -> ModelSource { try ModelSource(parsing: s) }
  static func perturbation(_ s: String) throws -> Perturbation { try Perturbation(parsing: s) }
  static func ridge(_ s: String) throws -> Ridge { try Ridge(parsing: s) }
  static func start(_ s: String) throws -> AttackConfiguration.Initialization { try .init(parsing: s) }
  static func normalization(_ s: String) throws -> InputNormalization { try InputNormalization(parsing: s) }
  static func memory(_ s: String) throws -> MemoryBudget { try MemoryBudget(parsing: s) }
}
