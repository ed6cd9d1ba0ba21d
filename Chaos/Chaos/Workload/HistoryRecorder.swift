import Foundation
import Linearizability

#if canImport(Glibc)
import Glibc
#endif

/// The one writer of a run's history (docs/history-format.md): every client records through it,
/// under one lock, so lines never interleave and times never go backwards. The time of each event
/// is read inside the lock, after an answer arrived or before a request leaves, so every recorded
/// interval contains the real one (wider is safe for the checker; narrower would not be).
final class HistoryRecorder: @unchecked Sendable {
    /// The checker model that reads every workload of the mixed history (Linearizability's Models).
    static let model = "node-workloads"

    private let lock = NSLock()
    private var file: UnsafeMutablePointer<FILE>?
    private var buffer: [UInt8] = []
    private var nextProcess = 0
    private var nextID = 0
    private var tally = OperationCounts()
    private(set) var writeError: String?

    /// `model` goes in the header: the check that reads this history.
    init(url: URL, model: String = HistoryRecorder.model) throws {
        guard let f = fopen(url.path, "w") else {
            throw WorkloadError("cannot write the history \(url.path): \(String(cString: strerror(errno)))")
        }
        file = f
        buffer.append(contentsOf: Array("{\"format\":\"raft-chaos-history\",\"version\":1,\"model\":\"\(model)\"}\n".utf8))
    }

    deinit { close() }

    /// A fresh process id: for a new client, and for a client whose last operation ended info
    /// (that operation may still be in flight, and a process runs one operation at a time).
    func newProcess() -> Int {
        lock.withLock {
            defer { nextProcess += 1 }
            return nextProcess
        }
    }

    /// Records the call, just before the request is sent; returns the operation's id.
    func invoke(process: Int, node: String, _ op: PlannedOperation) -> Int {
        invoke(process: process, node: node, function: op.function, key: op.key, argument: op.argument)
    }

    /// Records the completion, just after the answer (or the failure) arrived.
    func complete(process: Int, node: String, id: Int, _ op: PlannedOperation, _ completion: Completion) {
        complete(process: process, node: node, id: id, function: op.function, key: op.key, argument: op.argument, completion)
    }

    /// Records a call of `function` (a key of nil for a transaction over several keys).
    func invoke(process: Int, node: String, function: String, key: String?, argument: Value) -> Int {
        lock.withLock {
            let id = nextID
            nextID += 1
            tally.open += 1
            line(time: MonotonicClock.now(), process: process, node: node, id: id, type: "invoke", function, key, value: argument, error: nil)
            return id
        }
    }

    /// Records the completion of a call made with `invoke(process:node:function:key:argument:)`.
    func complete(process: Int, node: String, id: Int, function: String, key: String?, argument: Value, _ completion: Completion) {
        lock.withLock {
            guard file != nil else { return }
            tally.open -= 1
            switch completion {
            case .ok(let v):
                tally.ok += 1
                line(time: MonotonicClock.now(), process: process, node: node, id: id, type: "ok", function, key, value: v, error: nil)
            case .fail(let why):
                tally.fail += 1
                line(time: MonotonicClock.now(), process: process, node: node, id: id, type: "fail", function, key, value: argument, error: why)
            case .info(let why):
                tally.info += 1
                line(time: MonotonicClock.now(), process: process, node: node, id: id, type: "info", function, key, value: argument, error: why)
            }
        }
    }

    var counts: OperationCounts { lock.withLock { tally } }

    /// Writes what is buffered, keeping the file open for more.
    func flush() {
        lock.withLock { flushLocked() }
    }

    /// Writes what is buffered and closes the file; later events are ignored (an operation still
    /// in flight then stays open in the history, which reads as info).
    func close() {
        lock.withLock {
            guard let f = file else { return }
            flushLocked()
            fclose(f)
            file = nil
        }
    }

    private func line(time: UInt64, process: Int, node: String, id: Int, type: String, _ function: String, _ key: String?, value: Value, error: String?) {
        guard file != nil else { return }
        var s = "{\"time\":\(time),\"process\":\(process),\"node\":"
        JSONText.appendString(node, to: &s)
        s += ",\"id\":\(id),\"type\":\"\(type)\",\"f\":\"\(function)\""
        if let key {
            s += ",\"key\":"
            JSONText.appendString(key, to: &s)
        }
        s += ",\"value\":"
        JSONText.appendValue(value, to: &s)
        if let error {
            s += ",\"error\":"
            JSONText.appendString(error, to: &s)
        }
        s += "}\n"
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 64 * 1024 { flushLocked() }
    }

    private func flushLocked() {
        guard let f = file, !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        if written != buffer.count, writeError == nil {
            writeError = "writing the history failed: \(String(cString: strerror(errno)))"
        }
        fflush(f)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Completions so far, and calls without one yet.
public struct OperationCounts: Sendable, Hashable, Codable {
    public var ok = 0
    public var fail = 0
    public var info = 0
    public var open = 0
    public init(ok: Int = 0, fail: Int = 0, info: Int = 0, open: Int = 0) {
        self.ok = ok
        self.fail = fail
        self.info = info
        self.open = open
    }
    public var total: Int { ok + fail + info + open }
}

/// A workload that cannot start or cannot write its history.
public struct WorkloadError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Just enough JSON writing for history lines (JSONEncoder costs more than a fast workload can spare).
enum JSONText {
    static func appendString(_ text: String, to s: inout String) {
        s += "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 {
                    s += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    s.unicodeScalars.append(u)
                }
            }
        }
        s += "\""
    }

    static func appendValue(_ v: Value, to s: inout String) {
        switch v {
        case .null: s += "null"
        case .bool(let b): s += b ? "true" : "false"
        case .int(let i): s += String(i)
        case .string(let t): appendString(t, to: &s)
        case .list(let items):
            s += "["
            for (i, item) in items.enumerated() {
                if i > 0 { s += "," }
                appendValue(item, to: &s)
            }
            s += "]"
        }
    }
}
