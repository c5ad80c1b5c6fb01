#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Parallel {
  /// Runs `body` with kernel parallelism turned off on the calling thread: every
  /// ``forEachChunk(_:costPerItem:threshold:_:)`` it reaches on this thread runs its chunks in
  /// order on this thread. For running several independent problems at once, one per core, where
  /// splitting each kernel across the cores again would only add hand-offs. Nests; other threads
  /// are unaffected.
  public static func serially<R>(_ body: () throws -> R) rethrows -> R {
    let previous = pthread_getspecific(serialKey)
    pthread_setspecific(serialKey, UnsafeRawPointer(bitPattern: 1))
    defer { pthread_setspecific(serialKey, previous) }
    return try body()
  }

  /// Whether the calling thread is inside ``serially(_:)``.
  public static var isSerialOnCurrentThread: Bool { pthread_getspecific(serialKey) != nil }

  /// The thread-local slot behind ``serially(_:)`` (non-nil inside it).
  private static let serialKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()
}
