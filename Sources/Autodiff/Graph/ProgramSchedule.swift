/// The order in which a ``Program`` hands out its steps when it runs on several threads, from a
/// list schedule of estimated costs: steps that can run side by side come close together, so a
/// thread that takes the next step rarely waits for the step before it.
struct ProgramSchedule {
  /// Step indices (of the topological order) in the order they are handed out. Also a
  /// topological order: every step comes after the steps it depends on.
  let order: [Int]
  /// When the last step finishes in the schedule (in cost units).
  let makespan: Double

  /// A list schedule on `processors` processors: the ready step with the longest path (in cost)
  /// to the end goes first, on the processor where it can start earliest; steps are then ordered
  /// by their start times. `dependencies[i]` are the steps step `i` reads (all before `i`).
  init(costs: [Double], dependencies: [[Int]], processors: Int) {
    let n = costs.count
    var successors = [[Int]](repeating: [], count: n)
    for (i, deps) in dependencies.enumerated() { for d in deps { successors[d].append(i) } }
    var rank = costs
    for i in stride(from: n - 1, through: 0, by: -1) {
      rank[i] += successors[i].map { rank[$0] }.max() ?? 0
    }
    var waiting = dependencies.map { Set($0).count }
    var ready = (0..<n).filter { waiting[$0] == 0 }
    var finish = [Double](repeating: 0, count: n), start = [Double](repeating: 0, count: n)
    var available = [Double](repeating: 0, count: max(1, processors))
    for _ in 0..<n {
      let pick = ready.indices.max { rank[ready[$0]] < rank[ready[$1]] || (rank[ready[$0]] == rank[ready[$1]] && ready[$0] > ready[$1]) }!
      let i = ready.remove(at: pick)
      let earliest = dependencies[i].map { finish[$0] }.max() ?? 0
      let p = available.indices.min { max(available[$0], earliest) < max(available[$1], earliest) }!
      start[i] = max(available[p], earliest)
      finish[i] = start[i] + costs[i]
      available[p] = finish[i]
      for s in Set(successors[i]) {
        waiting[s] -= 1
        if waiting[s] == 0 { ready.append(s) }
      }
    }
    // Ties keep the topological order (a zero-cost step may start with its dependency).
    makespan = finish.max() ?? 0
    order = (0..<n).sorted { start[$0] < start[$1] || (start[$0] == start[$1] && $0 < $1) }
  }

  /// A rough cost of one step, in multiply–adds: what a convolution or a matrix product does,
  /// otherwise the elements it reads and writes.
  static func estimatedCost(operation name: String, arguments: [[Int]], result: [Int]) -> Double {
    multiplyAdds(operation: name, arguments: arguments, result: result)
      ?? Double(result.elementCount) + arguments.reduce(0) { $0 + Double($1.elementCount) }
  }

  /// The multiply–adds of a convolution or a matrix product (nil for any other operation).
  static func multiplyAdds(operation name: String, arguments: [[Int]], result: [Int]) -> Double? {
    let out = Double(result.elementCount)
    let sizes = arguments.map { Double($0.elementCount) }
    switch name {
    case "conv2d" where arguments.count == 2 && arguments[1].count >= 4:
      // Each output: C·kh·kw multiply–adds.
      return out * Double(arguments[1].suffix(3).elementCount)
    case "conv2dInputGrad" where arguments.count == 2 && arguments[1].count >= 4:
      // Each output gradient element: C·kh·kw multiply–adds.
      return sizes[0] * Double(arguments[1].suffix(3).elementCount)
    case "conv2dWeightGrad" where arguments.count == 2 && result.count >= 4:
      // Each output gradient element: C·kh·kw multiply–adds.
      return sizes[1] * Double(result.suffix(3).elementCount)
    case "matmul" where arguments.count == 2:
      return (sizes[0] * sizes[1] / max(out, 1)).squareRoot() * out
    default:
      return nil
    }
  }
}
