import Foundation

/// What every client of one workload shares: the source of unique values, which register and map
/// keys are current (they rotate), and the set workload's adds (attempted and acknowledged), which
/// the final read is judged against.
final class KeySpace: @unchecked Sendable {
    let options: WorkloadOptions
    let setKeys: [String]
    private let lock = NSLock()
    private var nextValue: Int64 = 1
    private var registerOperations = 0
    private var mapOperations = 0
    private var attempted: [String: Set<Int64>] = [:]
    private var acknowledged: [String: Set<Int64>] = [:]

    init(options: WorkloadOptions) {
        self.options = options
        setKeys = (0..<options.setKeys).map { "s\($0)" }
    }

    /// A value no other operation of the run writes: unique values keep every key's history
    /// cheap to check (a read names the one write it saw).
    func uniqueValue() -> Int64 {
        lock.withLock {
            defer { nextValue += 1 }
            return nextValue
        }
    }

    /// The register key in `slot` now: `r<generation>-<slot>`. Every `keysAtOnce *
    /// operationsPerKey` register operations the generation moves on, to fresh keys.
    func registerKey(slot: Int) -> String {
        lock.withLock {
            defer { registerOperations += 1 }
            return "r\(registerOperations / (options.keysAtOnce * options.operationsPerKey))-\(slot)"
        }
    }

    /// The same for the map workload: `m<generation>-<slot>`.
    func mapKey(slot: Int) -> String {
        lock.withLock {
            defer { mapOperations += 1 }
            return "m\(mapOperations / (options.keysAtOnce * options.operationsPerKey))-\(slot)"
        }
    }

    func noteAttempt(key: String, element: Int64) {
        lock.withLock { _ = attempted[key, default: []].insert(element) }
    }

    func noteAcknowledged(key: String, element: Int64) {
        lock.withLock { _ = acknowledged[key, default: []].insert(element) }
    }

    /// Every add sent and every add acknowledged so far, per set key.
    func setAdds() -> (attempted: [String: Set<Int64>], acknowledged: [String: Set<Int64>]) {
        lock.withLock { (attempted, acknowledged) }
    }
}
