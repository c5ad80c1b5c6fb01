import Foundation
import Testing

@testable import Leakage

@Suite("Memory budget")
struct MemoryBudgetTests {
  static let sizes: [(String, Int)] = [
    ("8G", 8 << 30), ("512M", 512 << 20), ("1.5G", 3 << 29), ("100", 100), ("64K", 64 << 10), ("2T", 2 << 40),
    ("8GiB", 8 << 30), ("8gb", 8 << 30), ("16 MB", 16 << 20), ("100b", 100), (" 4g ", 4 << 30),
  ]

  @Test("sizes parse with binary suffixes", arguments: sizes)
  func parsing(text: String, bytes: Int) throws {
    let budget = try MemoryBudget(parsing: text)
    #expect(budget.limit == bytes)
    #expect(budget.origin == "--max-memory \(text.trimmingCharacters(in: .whitespaces))")
  }

  @Test("sizes that are not positive numbers are refused", arguments: ["", "G", "-1G", "0", "abc", "8X", "1e30T", "nan", "GiB", "8 G B"])
  func invalid(text: String) {
    let error = #expect(throws: MemoryBudgetError.self) { try MemoryBudget(parsing: text) }
    #expect(error == .invalidSize(text))
    #expect(error?.description.contains("is not a positive number") == true)
  }

  static let formats: [(Int, String)] = [
    (0, "0 B"), (1023, "1023 B"), (1024, "1.00 KiB"), (47 << 20, "47.0 MiB"), (9_664_069_632, "9.00 GiB"), (200 << 30, "200 GiB"),
  ]

  @Test("sizes print in binary units with three digits", arguments: formats)
  func formatting(bytes: Int, text: String) {
    #expect(MemoryBudget.format(bytes: bytes) == text)
  }

  @Test("a request within the budget passes; a larger one fails with what, how much and what to do")
  func check() throws {
    let budget = MemoryBudget(limit: 1 << 30, origin: "test")
    try budget.check(bytes: 1 << 30, what: "a request")
    let error = #expect(throws: MemoryBudgetError.self) {
      try budget.check(bytes: 3 << 29, what: "a request", suggestion: "ask for less")
    }
    #expect(error?.description == "a request needs 1.50 GiB but the memory limit is 1.00 GiB (test); ask for less")
  }

  @Test("the default is a share of this machine's memory")
  func defaultBudget() throws {
    let physical = try #require(MemoryBudget.physicalMemory())
    #expect(physical > 64 << 20)
    #expect(MemoryBudget.default.limit == Int(Double(physical) * MemoryBudget.defaultFraction))
    #expect(MemoryBudget.default.origin.hasPrefix("60% of "))
  }

  @Test("the dense path is refused before J is materialised when it does not fit")
  func denseGramRefused() throws {
    let victim = try TestVictims.make(.mlp, inputShape: [1, 8, 8], width: 16)
    let jacobian = MixedJacobian<Double>(victim)
    let needed = DenseGram.memoryNeeded(inputCount: 64, parameterCount: jacobian.parameterCount)
    #expect(needed == (64 * jacobian.parameterCount + 5 * 64 * 64) * 8)
    let small = MemoryBudget(limit: needed - 1, origin: "--max-memory 1K")
    let error = #expect(throws: MemoryBudgetError.self) { try DenseGram(jacobian, method: .rowsOfJ, memoryBudget: small) }
    #expect(error?.description == "the dense path (J 64×\(DenseGram.grouped(jacobian.parameterCount)) and J·Jᵀ 64×64, Float64) needs "
      + "\(MemoryBudget.format(bytes: needed)) but the memory limit is \(MemoryBudget.format(bytes: needed - 1)) (--max-memory 1K); "
      + "use --method matrix-free, or raise --max-memory")
    #expect(try DenseGram(jacobian, method: .rowsOfJ, memoryBudget: MemoryBudget(limit: needed, origin: "test")).rank > 0)
    // By products J is never stored: one pass's rows (twice) take its place.
    let passes = DenseGram.memoryNeeded(inputCount: 64, parameterCount: jacobian.parameterCount, method: .products)
    #expect(passes == (2 * 64 * jacobian.parameterCount + 5 * 64 * 64) * 8)
    let byProducts = #expect(throws: MemoryBudgetError.self) {
      try DenseGram(jacobian, method: .products, memoryBudget: MemoryBudget(limit: passes - 1, origin: "test"))
    }
    #expect(byProducts?.description.hasPrefix("the dense path (passes of 64×\(DenseGram.grouped(jacobian.parameterCount)) and J·Jᵀ 64×64") == true)
    #expect(try DenseGram(jacobian, method: .products, memoryBudget: MemoryBudget(limit: passes, origin: "test")).rank > 0)
  }

  @Test("the dense path's need saturates instead of overflowing")
  func denseNeedSaturates() {
    #expect(DenseGram.memoryNeeded(inputCount: 3072, parameterCount: 393_226) == (3072 * 393_226 + 5 * 3072 * 3072) * 8)
    #expect(DenseGram.memoryNeeded(inputCount: 1 << 40, parameterCount: 1 << 40) == Int.max)
    #expect(DenseGram.grouped(393_226) == "393,226" && DenseGram.grouped(64) == "64" && DenseGram.grouped(1_000) == "1,000")
  }
}
