import Foundation
import Synchronization

/// A recorded graph compiled for replay: the computation from some variables (the program's
/// inputs) to some results, rerun on new input values without building a graph again.
///
/// Record the computation once with variables — with `createGraph` when gradients are part of
/// it, so that the backward passes are nodes too — and compile the results. Nodes that do not
/// depend on an input are constants: their recorded values are kept and never recomputed (with
/// δ as the input of `J·δ = ∇ₓ⟨∇θL, δ⟩`, the forward pass and the first backward pass are
/// constants, and a replay runs only the part that is linear in δ). Every node that does depend
/// on an input must have been recorded with a forward function
/// (``Variable/record(_:inputs:forward:rule:)``).
///
/// A replay allocates its intermediate values and frees each after its last use; it keeps no
/// state between runs, so one program can be run from several threads at once. When every step
/// is small (none would split across the cores itself) and the graph has enough independent
/// work, a replay runs on all cores: each thread takes the next step of a list schedule
/// (``ProgramSchedule``) and waits for the steps it reads.
public final class Program<Scalar: TensorScalar>: Sendable {
  /// Where a step finds an argument: a value computed in this run, or a recorded constant.
  enum Source: Sendable {
    case slot(Int)
    case constant(Tensor<Scalar>)
  }

  struct Step: Sendable {
    let name: StaticString
    let forward: @Sendable ([Tensor<Scalar>]) -> Tensor<Scalar>
    let arguments: [Source]
    let output: Int
    let shape: [Int]
    /// Slots whose last use is this step.
    let releases: [Int]
    /// The slots this step reads (each once).
    let reads: [Int]
    /// The steps that produce them.
    let dependencies: [Int]
  }

  /// Shapes of the inputs, in order.
  public let inputShapes: [[Int]]
  /// In topological order.
  let steps: [Step]
  let outputs: [Source]
  let slotCount: Int
  /// Slots never released during a run (inputs and outputs).
  let kept: Set<Int>
  /// The order of a run on several threads, or nil to run on the calling thread.
  let parallelOrder: [Int]?

  /// Steps with more work than this (multiply–adds) split across the cores themselves; a program
  /// with one runs its steps one after another.
  static var largestParallelStep: Double { Double(GEMMParallel.threshold) }

  /// Compiles the computation of `outputs` from `inputs` (variables of the graph below `outputs`;
  /// they need not be leaves: the graph is cut there).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public init(inputs: [Variable<Scalar>], outputs: [Variable<Scalar>]) throws(ProgramError) {
    var slotOf: [ObjectIdentifier: Int] = [:]
    for (i, v) in inputs.enumerated() where slotOf[ObjectIdentifier(v)] == nil { slotOf[ObjectIdentifier(v)] = i }
    let inputIDs = Set(slotOf.keys)
    var slotCount = inputs.count
    // Live nodes (those that depend on an input) in topological order: a depth-first post-order
    // without recursion, not descending below the inputs.
    var live: [Variable<Scalar>] = []
    var visited = inputIDs
    for root in outputs where visited.insert(ObjectIdentifier(root)).inserted {
      var stack: [(Variable<Scalar>, Int)] = [(root, 0)]
      while let (v, next) = stack.popLast() {
        let args = v.origin?.inputs ?? []
        if next < args.count {
          stack.append((v, next + 1))
          if visited.insert(ObjectIdentifier(args[next])).inserted { stack.append((args[next], 0)) }
        } else if let op = v.origin, op.inputs.contains(where: { slotOf[ObjectIdentifier($0)] != nil }) {
          guard op.forward != nil else { throw .notReplayable(operation: "\(op.name)") }
          slotOf[ObjectIdentifier(v)] = slotCount
          slotCount += 1
          live.append(v)
        }
      }
    }
    func source(_ v: Variable<Scalar>) -> Source { slotOf[ObjectIdentifier(v)].map(Source.slot) ?? .constant(v.value) }
    // The last step reading each slot; results and inputs are never released.
    var lastUse: [Int: Int] = [:]
    for (s, v) in live.enumerated() {
      for input in v.origin?.inputs ?? [] { if let slot = slotOf[ObjectIdentifier(input)] { lastUse[slot] = s } }
    }
    var kept = Set(0..<inputs.count)
    for v in outputs { if let slot = slotOf[ObjectIdentifier(v)] { kept.insert(slot) } }
    var releases = [[Int]](repeating: [], count: live.count)
    for (slot, s) in lastUse where !kept.contains(slot) { releases[s].append(slot) }
    var producer: [Int: Int] = [:]
    for (s, v) in live.enumerated() { producer[slotOf[ObjectIdentifier(v)]!] = s }
    steps = live.enumerated().map { s, v in
      let op = v.origin!
      var reads: [Int] = []
      for input in op.inputs { if let slot = slotOf[ObjectIdentifier(input)], !reads.contains(slot) { reads.append(slot) } }
      return Step(name: op.name, forward: op.forward!, arguments: op.inputs.map(source), output: slotOf[ObjectIdentifier(v)]!,
                  shape: v.shape, releases: releases[s], reads: reads, dependencies: reads.compactMap { producer[$0] })
    }
    self.outputs = outputs.map(source)
    self.slotCount = slotCount
    self.kept = kept
    inputShapes = inputs.map { $0.shape }
    let costs = live.map { v in
      ProgramSchedule.estimatedCost(operation: "\(v.origin!.name)", arguments: v.origin!.inputs.map { $0.shape }, result: v.shape)
    }
    multiplyAdds = live.reduce(0) { total, v in
      total + (ProgramSchedule.multiplyAdds(operation: "\(v.origin!.name)", arguments: v.origin!.inputs.map { $0.shape }, result: v.shape) ?? 0)
    }
    parallelOrder = Self.parallelOrder(costs: costs, dependencies: steps.map(\.dependencies))
  }

  /// The order of a run on all cores, or nil when one thread (each step splitting its own work
  /// across the cores) is the better plan: with a step large enough to split itself, or a graph
  /// so nearly a chain that the schedule would gain less than `minimumScheduleSpeedup`.
  static func parallelOrder(costs: [Double], dependencies: [[Int]]) -> [Int]? {
    guard Parallel.coreCount > 1, costs.count > 1, (costs.max() ?? 0) < largestParallelStep else { return nil }
    let schedule = ProgramSchedule(costs: costs, dependencies: dependencies, processors: Parallel.coreCount)
    return costs.reduce(0, +) >= minimumScheduleSpeedup * schedule.makespan ? schedule.order : nil
  }

  /// Measured on convnet5 (2 cores): J·δ, Jᵀ·v and an attack step, which the schedule predicts
  /// 1.5–2× faster, run 20–40% faster on all cores; its gradient (predicted 1.26×) ran up to 15%
  /// (typically 5%) slower than on one thread with the kernels split.
  static var minimumScheduleSpeedup: Double { 1.4 }

  /// Number of operations a run executes.
  public var operationCount: Int { steps.count }
  /// The multiply–adds of a run's convolutions and matrix products (the arithmetic that bounds
  /// its speed: divide by a run's time for the rate it achieves).
  public let multiplyAdds: Double

  /// The outputs recomputed for new values of the inputs (same shapes as recorded).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func run(_ values: [Tensor<Scalar>]) -> [Tensor<Scalar>] {
    precondition(zip(values, inputShapes).allSatisfy { $0.shape == $1 } && values.count == inputShapes.count, "program inputs \(inputShapes), got \(values.map { $0.shape })")
    if #available(macOS 15.0, *), let order = parallelOrder { return runOnAllCores(values, order: order) }
    return runOnCallingThread(values)
  }

  /// ``run(_:)`` one step after another on the calling thread.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func runOnCallingThread(_ values: [Tensor<Scalar>]) -> [Tensor<Scalar>] {
    var slots = [Tensor<Scalar>?](repeating: nil, count: slotCount)
    for (i, v) in values.enumerated() { slots[i] = v }
    func value(_ s: Source) -> Tensor<Scalar> {
      switch s {
      case .slot(let i): slots[i]!
      case .constant(let t): t
      }
    }
    for step in steps {
      let result = step.forward(step.arguments.map(value))
      precondition(result.shape == step.shape, "replayed \(step.name) gave shape \(result.shape), recorded \(step.shape)")
      slots[step.output] = result
      for r in step.releases { slots[r] = nil }
    }
    return outputs.map(value)
  }

  /// A run on all cores: every thread takes the next step in `order` and runs it once the steps
  /// it reads are done; the last reader of a slot frees it. When the worker threads are busy
  /// (a program run inside another parallel job), the calling thread runs every step itself,
  /// in `order`, which is topological: a thread only ever waits for a step taken before its own.
  @available(macOS 15.0, *)
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func runOnAllCores(_ values: [Tensor<Scalar>], order: [Int]) -> [Tensor<Scalar>] {
    let n = steps.count
    let slots = UnsafeMutablePointer<Tensor<Scalar>?>.allocate(capacity: slotCount)
    slots.initialize(repeating: nil, count: slotCount)
    // Per step: done; per slot: readers still to come; then the next step to hand out.
    let counters = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: n + slotCount + 1)
    for i in 0..<(n + slotCount + 1) { (counters + i).initialize(to: Atomic(0)) }
    defer {
      slots.deinitialize(count: slotCount)
      slots.deallocate()
      counters.deinitialize(count: n + slotCount + 1)
      counters.deallocate()
    }
    for (i, v) in values.enumerated() { slots[i] = v }
    for step in steps { for r in step.reads { counters[n + r].add(1, ordering: .relaxed) } }
    let box = UnsafeSendable((slots, counters))
    Parallel.runChunks(Parallel.coreCount) { _ in
      let (slots, counters) = box.value
      while true {
        let k = counters[n + slotCount].add(1, ordering: .relaxed).oldValue
        if k >= n { return }
        let i = order[k], step = steps[i]
        for d in step.dependencies {
          var polls = 0
          while counters[d].load(ordering: .acquiring) == 0 {
            polls += 1
            if polls > 1024 { sched_yield() }
          }
        }
        let arguments = step.arguments.map { source -> Tensor<Scalar> in
          switch source {
          case .slot(let s): slots[s]!
          case .constant(let t): t
          }
        }
        let result = step.forward(arguments)
        precondition(result.shape == step.shape, "replayed \(step.name) gave shape \(result.shape), recorded \(step.shape)")
        slots[step.output] = result
        counters[i].store(1, ordering: .releasing)
        for r in step.reads where !kept.contains(r) {
          if counters[n + r].subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { slots[r] = nil }
        }
      }
    }
    return outputs.map { source in
      switch source {
      case .slot(let s): slots[s]!
      case .constant(let t): t
      }
    }
  }
}

/// Why a graph cannot be compiled into a ``Program``.
public enum ProgramError: Error, Equatable, CustomStringConvertible {
  /// An operation on the path from an input to an output was recorded without a forward function.
  case notReplayable(operation: String)

  public var description: String {
    switch self {
    case .notReplayable(let name): "the operation \(name) cannot be replayed (it was recorded without a forward function)"
    }
  }
}
