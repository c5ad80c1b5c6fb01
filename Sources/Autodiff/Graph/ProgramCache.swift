import Foundation

/// Programs compiled on first use, one per key (typically the shape of a batch): the first call
/// for a key records the computation as a graph and compiles it; later calls replay it.
///
/// Thread-safe. A computation that cannot be compiled (an operation without a forward function
/// on the way) is recorded again on every call, so callers get the right values either way.
public final class ProgramCache<Key: Hashable & Sendable, Scalar: TensorScalar>: @unchecked Sendable {
  private enum Entry {
    case compiled(Program<Scalar>)
    case unavailable
  }

  private let lock = NSLock()
  private var entries: [Key: Entry] = [:]

  public init() {}

  /// The outputs of the computation `record` describes, for `inputs`.
  ///
  /// `record` receives one leaf per input (holding it, gradients enabled) and a flag: whether it
  /// records for compilation. It must then build every gradient it takes with `createGraph`, so
  /// that the backward passes are part of the graph; without the flag it may skip that.
  public func run(
    _ key: Key, _ inputs: [Tensor<Scalar>],
    record: (_ leaves: [Variable<Scalar>], _ createGraph: Bool) -> [Variable<Scalar>]
  ) -> [Tensor<Scalar>] {
    lock.lock()
    let entry = entries[key]
    lock.unlock()
    switch entry {
    case .compiled(let program):
      return program.run(inputs)
    case .unavailable:
      return record(inputs.map { Variable($0, requiresGrad: true) }, false).map { $0.value }
    case nil:
      let leaves = inputs.map { Variable($0, requiresGrad: true) }
      let outputs = record(leaves, true)
      let compiled = (try? Program(inputs: leaves, outputs: outputs)).map(Entry.compiled) ?? .unavailable
      lock.lock()
      entries[key] = compiled
      lock.unlock()
      return outputs.map { $0.value }
    }
  }

  /// Whether the computation for `key` was compiled (false before its first run).
  public func isCompiled(_ key: Key) -> Bool { program(key) != nil }

  /// The program compiled for `key` (nil before its first run, or if it could not be compiled).
  public func program(_ key: Key) -> Program<Scalar>? {
    lock.lock()
    defer { lock.unlock() }
    if case .compiled(let program) = entries[key] { return program }
    return nil
  }
}
