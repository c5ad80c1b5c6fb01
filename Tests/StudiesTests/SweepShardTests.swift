import Testing

@testable import Studies

@Suite("Shards partition a plan")
struct SweepShardTests {
  @Test(arguments: [1, 2, 3, 7, 8, 101, 150])
  func everyIdIsInExactlyOneShardAndSizesDifferByAtMostOne(count: Int) throws {
    let all = try points(["samples": "digits:0-24", "inits": "uniform,kaiming", "noises": "none,gaussian:1e-3"])
    let shards = try (0..<count).map { try SweepShard(index: $0, count: count).select(all) }
    let ids = shards.flatMap { $0.map(\.id) }
    #expect(ids.count == all.count)
    #expect(Set(ids) == Set(all.map(\.id)))
    let sizes = shards.map(\.count)
    #expect(sizes.max()! - sizes.min()! <= 1)
    // Each shard keeps the plan's order.
    let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.id, $0) })
    for s in shards { #expect(s.map { position[$0.id]! } == s.map { position[$0.id]! }.sorted()) }
  }

  @Test func shardsMixConfigurationsInsteadOfSlicingThePlan() throws {
    // Two attacks innermost and two shards: a round-robin over the plan's order would give one
    // shard every attack run.
    let all = try points(["samples": "digits:0-49", "attacks": "none,dlg"])
    let first = try SweepShard(index: 0, count: 2).select(all)
    let attacks = first.filter { $0.attack == "dlg" }.count
    #expect(attacks > 10 && attacks < 40)
  }

  @Test func parsesKOverNFromZero() throws {
    #expect(try SweepShard(parsing: "0/8", environment: [:]) == SweepShard(index: 0, count: 8))
    #expect(try SweepShard(parsing: "7/8", environment: [:]).index == 7)
    #expect(throws: ShardError.self) { try SweepShard(parsing: "8/8", environment: [:]) }
    #expect(throws: ShardError.self) { try SweepShard(parsing: "1/0", environment: [:]) }
    #expect(throws: ShardError.self) { try SweepShard(parsing: "3", environment: [:]) }
  }

  @Test func slurmArraysStartingAnywhereMapToZeroBasedShards() throws {
    let zeroBased = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0"]
    #expect(try SweepShard(parsing: "slurm", environment: zeroBased) == SweepShard(index: 3, count: 8))
    let oneBased = ["SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"]
    #expect(try SweepShard(slurm: oneBased) == SweepShard(index: 7, count: 8))
    let stepped = ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"]
    #expect(try SweepShard(slurm: stepped) == SweepShard(index: 3, count: 4))
    #expect(try SweepShard(slurm: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]) == SweepShard(index: 2, count: 4))
  }

  @Test func slurmErrorsNameTheVariable() {
    func message(_ env: [String: String]) -> String {
      do { _ = try SweepShard(slurm: env) } catch { return "\(error)" }
      return ""
    }
    #expect(message(["SLURM_ARRAY_TASK_COUNT": "4"]).contains("SLURM_ARRAY_TASK_ID is not set"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "1"]).contains("SLURM_ARRAY_TASK_COUNT is not set"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "x1", "SLURM_ARRAY_TASK_COUNT": "4"]).contains("SLURM_ARRAY_TASK_ID is 'x1', not an integer"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "four"]).contains("SLURM_ARRAY_TASK_COUNT is 'four'"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"]).contains("SLURM_ARRAY_TASK_ID is 9"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "2"]).contains("SLURM_ARRAY_TASK_ID is 1"))
  }
}
