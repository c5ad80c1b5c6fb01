/// One measured quantity of `i2f bench`: a stable key, its unit, and how to measure it.
struct Benchmark {
  enum Unit: String {
    case milliseconds = "ms"
    case seconds = "s"
    case gflops = "GFLOP/s"
  }

  let key: String
  let unit: Unit
  let summary: String
  /// Runs the workload `runs` times (after warming up) and returns the median in `unit`.
  let measure: (_ runs: Int) throws -> Double
}
