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

  @Option(help: "Only run these benchmarks: a comma-separated list of groups (gemm, convnet5, photo, resnet18, eigh) or keys; an item that names neither selects the keys containing it.")
  var only: String?

  @Flag(help: "List the benchmark keys and exit.")
  var list = false

  func run() throws {
    let all = CoreBenchmarks.all + SolverBenchmarks.all + AnalysisBenchmarks.all
    let exactNames = Set(all.flatMap { [$0.group, $0.key] + $0.parts.map(\.key) })
    let items = only.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    let suite = all.filter { b in items.map { $0.contains { b.isSelected(by: $0, exactNames: exactNames) } } ?? true }
    if suite.isEmpty, let only { throw ValidationError("--only \(only) selects no benchmark (see --list)") }
    if list {
      for b in suite {
        print("\(b.key.padding(toLength: 34, withPad: " ", startingAt: 0)) \(b.summary)")
        for p in b.parts { print("\(p.key.padding(toLength: 34, withPad: " ", startingAt: 0)) \(p.summary)") }
      }
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
      let values = try b.measure(runs)
      for (i, (key, summary)) in ([(b.key, b.summary)] + b.parts.map { ($0.key, $0.summary) }).enumerated() {
        results.append((key, JSONValue.finite(values[i])))
        if !json {
          let v = String(format: values[i] >= 100 ? "%8.1f" : "%8.3f", values[i])
          print("\(key.padding(toLength: 32, withPad: " ", startingAt: 0)) \(v)  \(b.unit.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(summary)")
        }
      }
      fflush(nil)
    }
    if json {
      results.append(("cores", .integer(ProcessInfo.processInfo.activeProcessorCount)))
      print(JSONValue.object(results).rendered())
    }
  }
}
