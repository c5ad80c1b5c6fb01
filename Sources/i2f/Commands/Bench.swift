import ArgumentParser
import Foundation
import Leakage

/// `i2f bench`: speed of the kernels and of the I2F pipeline, as a table or one JSON object.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure the speed of the numeric core and the I2F pipeline (use a release build).",
    discussion: "Each number is the median of repeated runs; times in milliseconds unless the key says otherwise, Float32 unless it says f64.")

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "Timed runs per benchmark (medians are reported).")
  var runs = 20

  @Option(help: "Only run benchmarks whose key contains this text.")
  var only: String?

  @Flag(help: "List the benchmark keys and exit.")
  var list = false

  func run() throws {
    let suite = (CoreBenchmarks.all + SolverBenchmarks.all + AnalysisBenchmarks.all).filter { only.map($0.key.contains) ?? true }
    if list {
      for b in suite { print("\(b.key.padding(toLength: 34, withPad: " ", startingAt: 0)) \(b.summary)") }
      return
    }
    guard runs > 0 else { throw ValidationError("--runs must be positive") }
    var results: [(key: String, value: JSONValue)] = []
    if !json {
      #if DEBUG
        print("note: this is a debug build of the command; use `swift run -c release i2f bench` for real numbers")
      #endif
      print("benchmark                           value  unit      what")
    }
    for b in suite {
      let value = try b.measure(runs)
      results.append((b.key, JSONValue.finite(value)))
      if !json {
        let v = String(format: value >= 100 ? "%8.1f" : "%8.3f", value)
        print("\(b.key.padding(toLength: 32, withPad: " ", startingAt: 0)) \(v)  \(b.unit.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(b.summary)")
        fflush(nil)
      }
    }
    if json {
      results.append(("cores", .integer(ProcessInfo.processInfo.activeProcessorCount)))
      print(JSONValue.object(results).rendered())
    }
  }
}
