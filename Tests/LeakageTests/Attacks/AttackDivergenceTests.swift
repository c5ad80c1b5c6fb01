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

  @Test("an attack whose objective overflows stops there and says so")
  func diverges() throws {
    var configuration = AttackConfiguration.l2adam
    configuration.learningRate = 1e30
    configuration.iterations = 200
    var attack = try AttackStepper<Float>(problem: Self.problem(), configuration: configuration)
    attack.run()
    let objectiveValue = attack.objectiveValue, done = attack.iterationsDone
    guard let divergence = attack.divergence, case .diverged(let iteration, let objective) = divergence else {
      Issue.record("no divergence: objective \(objectiveValue) after \(done) iterations")
      return
    }
    #expect(!objective.isFinite)
    #expect(attack.isFinished && attack.iterationsDone == iteration && iteration < 200)
    #expect(attack.state.history.last.map { !$0.objective.isFinite } == true)
    #expect(divergence.description.hasPrefix("the attack diverged at iteration \(iteration) (objective is "))
    // The state round-trips with the divergence (a resumed attack stays stopped).
    let resumed = try AttackStepper<Float>(problem: Self.problem(), resuming: AttackState(encoded: attack.state.encoded()))
    #expect(resumed.divergence == divergence || objective.isNaN)
    #expect(resumed.state.divergedAt == iteration)
  }

  @Test("a converging attack reports no divergence")
  func converges() throws {
    var configuration = AttackConfiguration.l2adam
    configuration.iterations = 30
    var attack = try AttackStepper<Float>(problem: Self.problem(), configuration: configuration)
    attack.run()
    #expect(attack.divergence == nil && attack.iterationsDone == 30 && attack.objectiveValue.isFinite)
  }
}
