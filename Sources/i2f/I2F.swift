import ArgumentParser

/// The `i2f` command: the explorer by default, and headless commands for scripts and sweeps.
@main
struct I2F: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "i2f",
    abstract: "Explore deep gradient leakage and the Inversion Influence Function (I2F).",
    discussion: """
      A federated client shares ∇θL; an attacker inverts it to recover the private image. I2F \
      predicts how far the reconstruction moves when the shared gradient is perturbed by δ: \
      I2F(δ) = (J Jᵀ)⁻¹ J δ with J = ∂²L/∂x∂θ.
      """,
    version: "0.1.0",
    subcommands: [Explore.self, Bound.self, Attack.self, Train.self, Sweep.self, Report.self, Bench.self],
    defaultSubcommand: Explore.self)
}
