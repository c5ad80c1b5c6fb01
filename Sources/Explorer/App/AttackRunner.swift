import Autodiff
import Foundation
import Leakage

/// Runs one pane's attack on its own thread, so the UI never waits for it: the main loop sends
/// commands (run, pause, step, speed) and receives snapshots (at most ~25 per second, and after
/// every single step or pause).
final class AttackRunner: @unchecked Sendable {
  private let condition = NSCondition()
  // Guarded by `condition`.
  private var stepper: AttackStepper<Float>?
  private var generation = 0
  private var running = false
  private var pendingSteps = 0
  private var perSecond: Double? = 100
  private var fullSpeed = false
  private var stopped = false
  private var startStepper: AttackStepper<Float>?

  private let pane: Int
  private let publish: @Sendable (ExplorerEvent) -> Void

  init(pane: Int, publish: @escaping @Sendable (ExplorerEvent) -> Void) {
    self.pane = pane
    self.publish = publish
    let thread = Thread { [weak self] in self?.loop() }
    thread.name = "i2f attack \(pane)"
    thread.start()
  }

  /// Replaces the attack (paused) and publishes its first snapshot.
  func install(_ attack: AttackStepper<Float>, generation: Int) {
    condition.lock()
    guard generation >= self.generation else {
      condition.unlock()
      return
    }
    stepper = attack
    startStepper = attack
    self.generation = generation
    running = false
    fullSpeed = false
    pendingSteps = 0
    condition.unlock()
    publish(.attackProgress(pane: pane, generation: generation, Self.snapshot(attack, rate: 0, running: false)))
  }

  func apply(_ command: AttackCommand) {
    condition.lock()
    defer {
      condition.signal()
      condition.unlock()
    }
    switch command {
    case .run: running = true
    case .pause:
      running = false
      fullSpeed = false
    case .step(let n): pendingSteps += n
    case .finish:
      running = true
      fullSpeed = true
    case .speed(let s): perSecond = s
    case .reset:
      running = false
      fullSpeed = false
      pendingSteps = 0
      stepper = startStepper
      if let s = stepper {
        let g = generation
        DispatchQueue.global().async { [pane, publish] in publish(.attackProgress(pane: pane, generation: g, Self.snapshot(s, rate: 0, running: false))) }
      }
    }
  }

  /// Ends the thread.
  func stop() {
    condition.lock()
    stopped = true
    condition.signal()
    condition.unlock()
  }

  private func loop() {
    var lastPublish = Date.distantPast
    var windowStart = Date(), windowSteps = 0, rate = 0.0
    while true {
      condition.lock()
      while !stopped && (stepper == nil || (!running && pendingSteps == 0) || (stepper?.isFinished ?? true)) {
        if let s = stepper, s.isFinished, running {
          running = false
          fullSpeed = false
          let g = generation
          condition.unlock()
          publish(.attackProgress(pane: pane, generation: g, Self.snapshot(s, rate: rate, running: false)))
          condition.lock()
          continue
        }
        condition.wait()
      }
      if stopped {
        condition.unlock()
        return
      }
      guard var attack = stepper else {
        condition.unlock()
        continue
      }
      let g = generation, single = !running
      if single { pendingSteps -= 1 }
      let delay = fullSpeed ? nil : perSecond.map { 1 / $0 }
      condition.unlock()

      let started = Date()
      attack.step()
      windowSteps += 1
      if Date().timeIntervalSince(windowStart) > 0.5 {
        rate = Double(windowSteps) / Date().timeIntervalSince(windowStart)
        windowStart = Date()
        windowSteps = 0
      }

      condition.lock()
      let current = generation == g
      if current { stepper = attack }
      let stillRunning = running
      condition.unlock()
      guard current else { continue }
      if single || attack.isFinished || Date().timeIntervalSince(lastPublish) > 0.04 {
        lastPublish = Date()
        publish(.attackProgress(pane: pane, generation: g, Self.snapshot(attack, rate: rate, running: stillRunning && !attack.isFinished)))
      }
      if !single, let delay {
        let remaining = delay - Date().timeIntervalSince(started)
        if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
      }
    }
  }

  static func snapshot(_ a: AttackStepper<Float>, rate: Double, running: Bool) -> AttackSnapshot {
    let objectives = a.state.history.map(\.objective)
    return AttackSnapshot(
      iteration: a.iterationsDone, total: a.totalIterations, trial: a.state.trial,
      objectives: Array(objectives.suffix(1024)), reconstruction: a.reconstruction, metrics: a.metrics(),
      finished: a.isFinished, labels: a.problem.attackerLabels, labelsInferred: a.problem.labelsWereInferred,
      labelsCorrect: a.problem.labelsAreCorrect, rate: rate, running: running)
  }
}
