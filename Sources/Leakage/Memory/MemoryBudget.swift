import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory one large allocation may take: big requests (the dense Jacobian, a whole file
/// read into memory) are checked against it before they are made, so an input that is too large
/// for this machine fails with one line saying what it needs and what to do, instead of the
/// process being killed by the kernel or swapping the machine to a halt.
///
/// The default is ``defaultFraction`` of the physical memory (or of the cgroup's limit when the
/// process runs in a container with a smaller one); `--max-memory 8G` overrides it.
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
  /// The most bytes one checked request may need.
  public let limit: Int
  /// Where the limit comes from, for messages: `60% of physical memory`, `--max-memory 8G`.
  public let origin: String

  /// The share of physical memory the default budget allows.
  public static let defaultFraction = 0.6

  /// A budget of `limit` bytes; `origin` says where it comes from in messages.
  public init(limit: Int, origin: String) {
    self.limit = Swift.max(0, limit)
    self.origin = origin
  }

  /// ``defaultFraction`` of ``physicalMemory`` (4 GiB when it cannot be read).
  public static let `default`: MemoryBudget = {
    guard let physical = physicalMemory() else {
      return MemoryBudget(limit: 4 << 30, origin: "physical memory unknown, 4 GiB assumed")
    }
    return MemoryBudget(limit: Int(Double(physical) * defaultFraction),
                        origin: "\(Int(defaultFraction * 100))% of \(format(bytes: physical)) of memory")
  }()

  /// The budget every reader and the dense path check against unless given another: the default
  /// until the command line sets it (from `--max-memory`). Thread-safe.
  public static var current: MemoryBudget {
    get { currentStorage.withLock { $0 } }
    set { currentStorage.withLock { $0 = newValue } }
  }
  private static let currentStorage = LockedValue(MemoryBudget.default)

  /// Parses a size as `--max-memory` takes it: a number with an optional binary suffix `K`, `M`,
  /// `G` or `T` (also `KB`, `KiB`, … and lower case), `8G` = 8 GiB; a bare number is bytes.
  public init(parsing text: String) throws(MemoryBudgetError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    var number = Substring(trimmed)
    var unit = 1.0
    let suffixes: [(String, Double)] = [("k", 0x1p10), ("m", 0x1p20), ("g", 0x1p30), ("t", 0x1p40)]
    var lower = trimmed.lowercased()
    for tail in ["ib", "b"] where lower.hasSuffix(tail) && lower.count > tail.count {
      let stripped = String(lower.dropLast(tail.count))
      // "b" alone (bytes) or after a K/M/G/T letter.
      if tail == "b" || suffixes.contains(where: { stripped.hasSuffix($0.0) }) {
        lower = stripped
        number = number.dropLast(tail.count)
        break
      }
    }
    if let (_, scale) = suffixes.first(where: { lower.hasSuffix($0.0) }) {
      unit = scale
      number = number.dropLast()
    }
    guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
          value * unit < 0x1p62 else {
      throw .invalidSize(text)
    }
    self.init(limit: Int((value * unit).rounded(.down)), origin: "--max-memory \(trimmed)")
  }

  /// Throws unless `bytes` fit in the budget. `what` names the request as the subject of the
  /// message (`the dense path (J 3,072×393,226 Float64 and J·Jᵀ)`), `suggestion` what the user
  /// can do instead (`use --method matrix-free`).
  public func check(bytes: Int, what: String, suggestion: String? = nil) throws(MemoryBudgetError) {
    guard bytes > limit else { return }
    throw .exceeded(what: what, bytes: bytes, limit: limit, origin: origin, suggestion: suggestion)
  }

  /// `bytes` in binary units with three significant digits: `812 B`, `47.0 MiB`, `9.05 GiB`.
  public static func format(bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var index = 0
    while value >= 1024, index < units.count - 1 {
      value /= 1024
      index += 1
    }
    if index == 0 { return "\(bytes) B" }
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
    return String(format: "%.\(digits)f \(units[index])", value)
  }

  public var description: String { "\(Self.format(bytes: limit)) (\(origin))" }

  /// Bytes of memory this process may use in all: the physical memory, or the cgroup's limit
  /// when that is smaller; nil when neither can be read.
  public static func physicalMemory() -> Int? {
    var physical: Int?
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
    if pages > 0, pageSize > 0 { physical = pages.multipliedReportingOverflow(by: pageSize).partialValue }
    #if os(Linux)
    // cgroup v2, then v1; "max" or an absurdly large v1 value means no limit.
    for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
      if let text = try? String(contentsOfFile: path, encoding: .utf8),
         let cgroup = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), cgroup > 0 {
        physical = Swift.min(physical ?? cgroup, cgroup)
        break
      }
    }
    #endif
    return physical
  }
}
