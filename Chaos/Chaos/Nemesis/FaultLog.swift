import Foundation

/// Writes faults.jsonl: a start and an end per fault (same id), instants for one-off actions.
/// Also remembers the fault in force, for the progress line.
public final class FaultLog: @unchecked Sendable {
    private let writer: JSONLinesWriter?
    private let lock = NSLock()
    private var nextID = 1
    private var active: [Int: String] = [:]
    public private(set) var events: [FaultEvent] = []

    public init(writer: JSONLinesWriter?) { self.writer = writer }

    @discardableResult
    public func start(kind: String, targets: [String], description: String) -> Int {
        lock.lock()
        let id = nextID
        nextID += 1
        active[id] = description
        lock.unlock()
        record(FaultEvent(time: MonotonicClock.now(), id: id, phase: .start, kind: kind, targets: targets, description: description))
        return id
    }

    public func end(_ id: Int, kind: String, targets: [String], description: String) {
        lock.lock()
        active[id] = nil
        lock.unlock()
        record(FaultEvent(time: MonotonicClock.now(), id: id, phase: .end, kind: kind, targets: targets, description: description))
    }

    public func instant(kind: String, targets: [String], description: String) {
        lock.lock()
        let id = nextID
        nextID += 1
        lock.unlock()
        record(FaultEvent(time: MonotonicClock.now(), id: id, phase: .instant, kind: kind, targets: targets, description: description))
    }

    /// What is in force now, for people ("none" when nothing is).
    public var inForce: String {
        lock.lock()
        defer { lock.unlock() }
        return active.isEmpty ? "none" : active.sorted { $0.key < $1.key }.map(\.value).joined(separator: "; ")
    }

    private func record(_ e: FaultEvent) {
        lock.lock()
        events.append(e)
        lock.unlock()
        writer?.append(e)
    }
}
