import BeckonStore
import Foundation
import Testing

@Suite("Writes behind the caller: in order, and nothing after a failure")
struct WriteBehindQueueTests {
    struct DiskFull: Error, Equatable {}

    /// What the writes did, seen from the test's thread.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Int] = []
        func append(_ value: Int) { lock.withLock { entries.append(value) } }
        var values: [Int] { lock.withLock { entries } }
    }

    @Test("writes run in the order they were handed over, and finish waits for the last")
    func order() throws {
        let writes = WriteBehindQueue(label: "test")
        let log = Log()
        for index in 0..<50 {
            try writes.submit {
                if index % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
                log.append(index)
            }
        }
        try writes.finish()
        #expect(log.values == Array(0..<50))
    }

    @Test("a failed write's error comes back from the next hand-over and from finish; nothing more is written")
    func failure() throws {
        let writes = WriteBehindQueue(label: "test")
        let log = Log()
        try writes.submit { log.append(1) }
        try writes.submit { throw DiskFull() }
        #expect(throws: DiskFull.self) { try writes.submit { log.append(3) } }
        #expect(throws: DiskFull.self) { try writes.finish() }
        #expect(log.values == [1])
    }
}
