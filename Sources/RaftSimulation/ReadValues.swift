// What a read returns, checked per key. Client writes are `k<key>=<value>` with a unique value;
// the reference model is built from the one applied sequence every node agrees on (the invariant
// checker's), entry by entry as it grows. A node's state machine at applied index i is that
// sequence's state at i (StateAgreement checks every node's digest against it), so the value a
// read served on a node returns is the model's value of its key at the node's applied index.
// Linearizable means that value was current at some moment between the read's invocation and
// its answer: it must not have been overwritten at or before the highest index applied anywhere
// when the read began. The check trusts nothing the shell says about the read (not its read
// index), only what the node's state machine holds when the read is served.

import RaftCore
import RaftShell

struct KeyHistory {
    /// Per key, its writes in log order.
    private var writes: [UInt8: [(index: LogIndex, value: [UInt8])]] = [:]
    /// The model covers the applied sequence up to here.
    private(set) var through: LogIndex = .zero

    /// The key of a client write's data (`k<key>=<value>`), or nil for other data.
    static func key(of data: [UInt8]) -> UInt8? {
        guard data.count >= 3, data[0] == UInt8(ascii: "k"), data[2] == UInt8(ascii: "=") else { return nil }
        return data[1]
    }

    /// Entry `e`, the next of the applied sequence (others are ignored: seen already).
    mutating func observe(_ e: Entry) {
        guard e.index == through.next else { return }
        through = e.index
        guard e.kind == .normal, let key = Self.key(of: e.data) else { return }
        writes[key, default: []].append((e.index, Array(e.data.dropFirst(3))))
    }

    /// The last write to `key` at or before `index` (nil: the key was never written by then).
    func lastWrite(to key: UInt8, atOrBefore index: LogIndex) -> (index: LogIndex, value: [UInt8])? {
        guard let ws = writes[key] else { return nil }
        var lo = 0, hi = ws.count  // first write after `index`
        while lo < hi {
            let mid = (lo + hi) / 2
            if ws[mid].index <= index { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : ws[lo - 1]
    }

    /// The first write to `key` after `index`.
    func firstWrite(to key: UInt8, after index: LogIndex) -> (index: LogIndex, value: [UInt8])? {
        guard let ws = writes[key] else { return nil }
        var lo = 0, hi = ws.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ws[mid].index <= index { lo = mid + 1 } else { hi = mid }
        }
        return lo < ws.count ? ws[lo] : nil
    }
}

/// A read a client sent: where, of which key, and the highest index applied anywhere when it was
/// sent (its answer must reflect at least that).
struct OutstandingRead {
    var node: Int
    var key: UInt8
    var atLeast: LogIndex
}

extension Cluster {
    /// The value read `token` returns, served on node `i` now, must have been current at some
    /// moment since the read began.
    func checkReadValue(_ token: RequestToken, _ r: OutstandingRead, on i: Int) throws(Violation) {
        let node = nodes[i]
        let served = keyHistory.lastWrite(to: r.key, atOrBefore: node.applied)
        readValuesChecked += 1
        guard let overwrite = keyHistory.firstWrite(to: r.key, after: served?.index ?? .zero), overwrite.index <= r.atLeast else { return }
        let what = served.map { "\"\(String(decoding: $0.value, as: UTF8.self))\" (written at \($0.index))" } ?? "nothing (never written)"
        throw Violation(
            rule: "Linearizable Read Value",
            detail: "read #\(token) of key k\(Character(UnicodeScalar(r.key))) on \(node.id) returned \(what) with \(node.applied) applied, but \"\(String(decoding: overwrite.value, as: UTF8.self))\" replaced it at \(overwrite.index), and \(r.atLeast) was applied before the read began")
    }
}
