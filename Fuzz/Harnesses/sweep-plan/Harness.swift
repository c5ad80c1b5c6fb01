import FuzzDriver
import Leakage
import Studies

/// Sweep plan files (`i2f sweep run --plan FILE`): JSON checked field by field, then expanded into
/// runs. A plan that parses must print (`--print-plan`) as a file that parses to the same plan,
/// and its runs must have distinct ids.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let json = try? JSONValue.parse(bytes: fuzzInput(data, size), fileName: "plan.json"),
        let plan = try? SweepPlan(json: json, file: "plan.json") else { return 0 }
  let text = plan.fileText()
  let again = (try? JSONValue.parse(text, fileName: "printed")).flatMap { try? SweepPlan(json: $0, file: "printed") }
  fuzzRequire(again == plan, "a printed plan does not parse back to the same plan: \(text.prefix(300))")
  // Building a run costs microseconds; plans of up to SweepPlan.pointLimit runs are valid but
  // slow, so only small ones are expanded here (the limit itself is checked by runCount).
  guard let count = try? plan.runCount(), count <= 20_000, let points = try? plan.points() else { return 0 }
  fuzzRequire(points.count <= count, "more runs than the plan's product of values")
  fuzzRequire(Set(points.map(\.id)).count == points.count, "two runs of a plan share an id")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
