import Foundation
import Testing

@testable import Autodiff

/// `Parallel.serially`: kernels called inside it stay on the calling thread, and only there.
@Suite struct ParallelSerialTests {
  /// The threads that ran the chunks of one large `forEachChunk`, and the chunks.
  static func chunkThreads() -> (threads: Set<UInt>, ranges: [Range<Int>]) {
    let lock = NSLock()
    var threads = Set<UInt>(), ranges: [Range<Int>] = []
    Parallel.forEachChunk(1 << 20, threshold: 1) { range in
      lock.lock()
      threads.insert(UInt(bitPattern: Int(bitPattern: pthread_self())))
      ranges.append(range)
      lock.unlock()
      // Long enough that an idle worker claims a chunk when it is allowed to.
      Thread.sleep(forTimeInterval: 0.03)
    }
    return (threads, ranges)
  }

  @Test func chunksRunOnTheCallingThreadInOrderInside() {
    let me = UInt(bitPattern: Int(bitPattern: pthread_self()))
    #expect(!Parallel.isSerialOnCurrentThread)
    let (threads, ranges) = Parallel.serially { Self.chunkThreads() }
    #expect(threads == [me])
    // Still split into the usual chunks, in order, covering everything once.
    #expect(ranges.count == Parallel.coreCount)
    #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 1 << 20)
    #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    #expect(!Parallel.isSerialOnCurrentThread)
  }

  @Test func nestsAndRestoresAndOnlyAffectsItsThread() throws {
    final class Seen: @unchecked Sendable { var serial = true }  // written before `done` is signalled
    let other = Seen()
    Parallel.serially {
      Parallel.serially { #expect(Parallel.isSerialOnCurrentThread) }
      #expect(Parallel.isSerialOnCurrentThread)
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        other.serial = Parallel.isSerialOnCurrentThread
        done.signal()
      }
      thread.start()
      done.wait()
    }
    #expect(other.serial == false)
    #expect(!Parallel.isSerialOnCurrentThread)
    struct Thrown: Error {}
    #expect(throws: Thrown.self) { try Parallel.serially { throw Thrown() } }
    #expect(!Parallel.isSerialOnCurrentThread)
  }
}
