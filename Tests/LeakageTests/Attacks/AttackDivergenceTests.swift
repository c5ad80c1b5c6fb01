import Autodiff
import Foundation
import Leakage
import Testing

@Suite("Diverging attacks")
struct AttackDivergenceTests {
  static func problem() throws -> AttackProblem {
    // ReLU layers pass a huge x′ through unsquashed (sigmoids would saturate instead).
    let victim = try TestVictims.make(.lenet5, inputShape: [1, 8, 8])
    return AttackProblem(victim: victim, observedGradient: MixedJacobian<Double>(victim).sharedGradient, inferLabels: false)
  }

  @Test("an attack whose objective overflows stops there with the status diverged")
  func diverges() throws {
    var configuration = AttackConfiguration.l2adam
    configuration.learningRate = 1e30
    configuration.iterations = 200
    var attack = try AttackStepper<Float>(problem: Self.problem(), configuration: configuration)
    attack.run()
    #expect(attack.status == .diverged)
    #expect(attack.isFinished && attack.state.steps < 200)
    #expect(attack.state.history.last.map { !$0.objective.isFinite } == true)
    // The state round-trips with the status (a resumed attack stays stopped).
    let resumed = try AttackStepper<Float>(problem: Self.problem(), resuming: AttackState(encoded: attack.state.encoded()))
    #expect(resumed.isFinished && resumed.status == .diverged)
  }

  @Test("a converging attack does not report divergence")
  func converges() throws {
    var configuration = AttackConfiguration.l2adam
    configuration.iterations = 30
    var attack = try AttackStepper<Float>(problem: Self.problem(), configuration: configuration)
    attack.run()
    #expect(attack.status != .diverged && attack.objectiveValue.isFinite)
  }
}
