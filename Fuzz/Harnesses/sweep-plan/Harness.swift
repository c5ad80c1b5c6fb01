import FuzzDriver
import Leakage
import Studies

/// Sweep plan files (`i2f sweep run --plan FILE`): JSON checked field by field, then expanded into
/// runs. A plan that parses must print (`--print-plan`, defaults filled in) as a file that parses
/// and prints to the same text and stands for the same runs, which have distinct ids.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let json = try? JSONValue.parse(bytes: fuzzInput(data, size), fileName: "plan.json"),
        let plan = try? SweepPlan(json: json, file: "plan.json") else { return 0 }
  let text = plan.fileText()
  let again = (try? JSONValue.parse(text, fileName: "printed")).flatMap { try? SweepPlan(json: $0, file: "printed") }
  fuzzRequire(again?.fileText() == text, "a printed plan does not print the same again: \(text.prefix(300))")
  // Plans of up to SweepPlan.pointLimit runs are valid but take a while to build (about a
  // millisecond a run under ASan), so only small ones are expanded here; runCount checks the limit.
  let count = try? plan.runCount()
  fuzzRequire(count == (try? again?.runCount()), "the printed plan stands for a different number of runs")
  guard let count, count <= 200, let points = try? plan.points() else { return 0 }
  fuzzRequire(points.count <= count, "more runs than the plan's product of values")
  fuzzRequire(Set(points.map(\.id)).count == points.count, "two runs of a plan share an id")
  fuzzRequire((try? again?.points().map(\.id)) == points.map(\.id), "the printed plan stands for other runs")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzz) }
}
