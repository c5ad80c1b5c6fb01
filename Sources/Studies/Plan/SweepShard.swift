import Foundation

/// One of N disjoint slices of a sweep, for running it on several machines or array tasks.
///
/// **Rule:** sort the plan's points by id (the hex string); the point at position p goes to
/// shard p mod N. Shards are numbered **0 to N−1**. Every point is in exactly one shard, shard
/// sizes differ by at most one, and because ids are hashes each shard gets an even mix of cheap and
/// expensive configurations (a slice of the plan's own order would give one shard all the attacks).
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
  /// K, from 0.
  public let index: Int
  /// N.
  public let count: Int

  /// Shard `index` of `count` (0 ≤ index < count).
  public init(index: Int, count: Int) throws(ShardError) {
    guard count >= 1 else { throw .invalid("the shard count must be at least 1, got \(count)") }
    guard index >= 0, index < count else { throw .invalid("shard \(index) of \(count): K must be 0…\(count - 1) (shards count from 0)") }
    self.index = index
    self.count = count
  }

  /// `K/N` (0-based K), or `slurm` for the Slurm array task this process is (see ``init(slurm:)``).
  public init(parsing text: String, environment: [String: String]) throws(ShardError) {
    if text.lowercased() == "slurm" {
      try self.init(slurm: environment)
      return
    }
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
      throw .invalid("--shard '\(text)': expected K/N with 0 ≤ K < N (e.g. 0/8), or slurm")
    }
    try self.init(index: k, count: n)
  }

  /// The shard of a Slurm array task: K = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / step,
  /// N = SLURM_ARRAY_TASK_COUNT. SLURM_ARRAY_TASK_MIN defaults to 0 and SLURM_ARRAY_TASK_STEP to
  /// 1, so `--array=0-7` and `--array=1-8` both give shards 0…7 of 8. The array must be one range
  /// (with an optional step), not a list.
  public init(slurm environment: [String: String]) throws(ShardError) {
    func integer(_ name: String, default value: Int? = nil) throws(ShardError) -> Int {
      guard let text = environment[name] else {
        if let value { return value }
        throw .slurmVariable(name, "is not set (is this a Slurm array job? sbatch --array=0-7 …)")
      }
      guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else { throw .slurmVariable(name, "is '\(text)', not an integer") }
      return v
    }
    let id = try integer("SLURM_ARRAY_TASK_ID")
    let n = try integer("SLURM_ARRAY_TASK_COUNT")
    let min = try integer("SLURM_ARRAY_TASK_MIN", default: 0)
    let step = try integer("SLURM_ARRAY_TASK_STEP", default: 1)
    guard n >= 1 else { throw .slurmVariable("SLURM_ARRAY_TASK_COUNT", "is \(n); it must be at least 1") }
    guard step >= 1 else { throw .slurmVariable("SLURM_ARRAY_TASK_STEP", "is \(step); it must be at least 1") }
    guard id >= min, (id - min) % step == 0, (id - min) / step < n else {
      throw .slurmVariable("SLURM_ARRAY_TASK_ID", "is \(id), not one of the \(n) tasks \(min), \(min + step), … of a single-range array (--array=\(min)-\(min + (n - 1) * step))")
    }
    try self.init(index: (id - min) / step, count: n)
  }

  /// The points of this shard, in the plan's order.
  public func select(_ points: [SweepPoint]) -> [SweepPoint] {
    guard count > 1 else { return points }
    let sorted = points.map(\.id).sorted()
    var mine = Set<String>()
    for p in stride(from: index, to: sorted.count, by: count) { mine.insert(sorted[p]) }
    return points.filter { mine.contains($0.id) }
  }

  public var description: String { "\(index)/\(count)" }
}

/// Why a shard specification is not usable; names the Slurm variable when one is at fault.
public enum ShardError: Error, CustomStringConvertible, Equatable, Sendable {
  case invalid(String)
  case slurmVariable(String, String)

  public var description: String {
    switch self {
    case .invalid(let message): message
    case .slurmVariable(let name, let problem): "--shard slurm: \(name) \(problem)"
    }
  }
}
