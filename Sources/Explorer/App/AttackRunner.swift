import Autodiff
import Foundation
import Leakage

/// Runs one pane's attack on a thread of its own, so the UI never waits for it: the main loop
/// sends commands (run, pause, step, speed) and receives snapshots (at most ~25 per second while
/// running, and after every command, single step and ending).
///
/// Every field is guarded by `condition`, and snapshots are published while holding it: the
/// order of snapshots in the mailbox is the order of the changes they show, so the last snapshot
/// of a pane is always its current state (the explorer keeps no other record of it).
final class AttackRunner: @unchecked Sendable {
  private let condition = NSCondition()
  private var stepper: AttackStepper<Float>?
  /// The attack as installed, for reset.
  private var initial: AttackStepper<Float>?
  /// The request this attack answers (older installs are ignored).
  private var generation = 0
  /// Bumped by every install, clear and reset: a step computed across one is dropped.
  private var epoch = 0
  private var running = false
  private var pendingSteps = 0
  private var perSecond: Double? = 100
  private var fullSpeed = false
  private var stopped = false
  private var rate = 0.0

  private let pane: PaneID
  private let publish: @Sendable (ExplorerEvent) -> Void

  /// `background` counts the thread as work in flight until ``stop()`` ends it.
  init(pane: PaneID, background: BackgroundWork, publish: @escaping @Sendable (ExplorerEvent) -> Void) {
    self.pane = pane
    self.publish = publish
    background.begin()
    let thread = Thread { [self] in
      loop()
      background.end()
    }
    thread.name = "i2f attack \(pane.value)"
    thread.start()
  }

  /// Drops the current attack (a new one for `generation` is being prepared).
  func clear(generation: Int) {
    condition.lock()
    defer { condition.unlock() }
    guard generation >= self.generation else { return }
    self.generation = generation
    epoch += 1
    stepper = nil
    initial = nil
    running = false
    fullSpeed = false
    pendingSteps = 0
  }

  /// Installs a fresh attack (paused) for `generation` and publishes its first snapshot, unless a
  /// newer generation was asked for meanwhile.
  func install(_ attack: AttackStepper<Float>, generation: Int) {
    condition.lock()
    defer { condition.unlock() }
    guard generation >= self.generation else { return }
    self.generation = generation
    epoch += 1
    stepper = attack
    initial = attack
    running = false
    fullSpeed = false
    pendingSteps = 0
    rate = 0
    publishSnapshot()
  }

  func apply(_ command: AttackCommand) {
    condition.lock()
    defer {
      condition.signal()
      condition.unlock()
    }
    let finished = stepper?.isFinished ?? true
    switch command {
    case .run:
      guard !finished else { return }
      running = true
    case .pause:
      running = false
      fullSpeed = false
    case .step(let n):
      guard !finished else { return }
      pendingSteps += n
      return
    case .finish:
      guard !finished else { return }
      running = true
      fullSpeed = true
    case .speed(let s):
      perSecond = s
      return
    case .reset:
      stepper = initial
      epoch += 1
      running = false
      fullSpeed = false
      pendingSteps = 0
      rate = 0
    }
    publishSnapshot()
  }

  /// Ends the thread (after the step it is computing, if any).
  func stop() {
    condition.lock()
    stopped = true
    condition.signal()
    condition.unlock()
  }

  private func loop() {
    var lastPublish = Date.distantPast
    var windowStart = Date(), windowSteps = 0
    condition.lock()
    defer { condition.unlock() }
    while !stopped {
      guard var attack = stepper, !attack.isFinished, running || pendingSteps > 0 else {
        condition.wait()
        continue
      }
      let e = epoch, single = !running
      if single { pendingSteps -= 1 }
      let delay = fullSpeed ? nil : perSecond.map { 1 / $0 }
      condition.unlock()
      let started = Date()
      attack.step()
      windowSteps += 1
      let elapsed = Date().timeIntervalSince(windowStart)
      condition.lock()
      guard epoch == e, !stopped else { continue }
      if elapsed > 0.5 {
        rate = Double(windowSteps) / elapsed
        windowStart = Date()
        windowSteps = 0
      }
      stepper = attack
      if attack.isFinished {
        running = false
        fullSpeed = false
        pendingSteps = 0
      }
      if single || attack.isFinished || Date().timeIntervalSince(lastPublish) > 0.04 {
        lastPublish = Date()
        publishSnapshot()
      }
      if running, let delay {
        let remaining = delay - Date().timeIntervalSince(started)
        // Waiting on the condition (not sleeping) lets a pause or a new speed cut the wait short.
        if remaining > 0 { _ = condition.wait(until: Date().addingTimeInterval(remaining)) }
      }
    }
  }

  /// Publishes the current attack's snapshot. Call with `condition` held.
  private func publishSnapshot() {
    guard let s = stepper else { return }
    publish(.attackProgress(pane, generation: generation, Self.snapshot(s, rate: rate, running: running && !s.isFinished)))
  }

  static func snapshot(_ a: AttackStepper<Float>, rate: Double, running: Bool) -> AttackSnapshot {
    AttackSnapshot(
      iteration: a.iterationsDone, total: a.totalIterations, trial: a.state.trial,
      objectives: Array(a.state.history.map(\.objective).suffix(1024)), reconstruction: a.reconstruction, metrics: a.metrics(),
      status: a.status, labels: a.problem.attackerLabels, labelsInferred: a.problem.labelsWereInferred,
      labelsCorrect: a.problem.labelsAreCorrect, rate: rate, isRunning: running)
  }
}
