/// An acknowledged append that a final read of its key does not contain: the node said the
/// transaction committed, and the list read after every acknowledged append had returned lacks
/// the element.
public struct LostAppend: Sendable {
    public var key: String
    public var element: Value
    /// The committed transaction that appended the element.
    public var appender: Transaction
    /// The final read that lacks it (a committed transaction called after every acknowledged
    /// append of the history had returned).
    public var finalRead: Transaction
    /// What the final read saw of the key.
    public var read: [Value]

    public var description: String {
        "append of \(element) to key \(key) by \(appender.summary) was acknowledged, but the final read "
            + "\(finalRead.summary) of \(key), called after every acknowledged append had returned, lacks it"
    }
}

/// The completeness of a history's final reads: every read of a key made by a committed
/// transaction called after the last acknowledged (committed) append of the whole history had
/// returned must hold every acknowledged append to that key. A run ends with such a read of
/// every key (after the heal), so an acknowledged append that no read ever showed is caught as
/// lost rather than silently left out of the version order.
///
/// This is a rule about reads that follow everything in real time; serializability alone would
/// let such a read be ordered before the appends.
enum FinalReadCompleteness {
    /// The lost appends, one per element (with the first final read that lacks it), in the order
    /// of the appending transactions.
    static func lostAppends(_ txns: [Transaction]) -> [LostAppend] {
        var lastAcknowledged: Int64?
        for t in txns where t.status == .committed && t.appends {
            guard let ret = t.operation.returnTime else { continue }
            lastAcknowledged = max(lastAcknowledged ?? ret, ret)
        }
        guard let last = lastAcknowledged else { return [] }
        // Each key's final reads: the transaction, the list it read, and that list as a set.
        var finals: [String: [(txn: Int, els: [Value], set: Set<Value>)]] = [:]
        for (i, t) in txns.enumerated() where t.status == .committed && t.operation.callTime > last {
            for case .read(let key, let els?) in t.steps { finals[key, default: []].append((i, els, Set(els))) }
        }
        guard !finals.isEmpty else { return [] }
        var lost: [LostAppend] = []
        for t in txns where t.status == .committed {
            for case .append(let key, let element) in t.steps {
                guard let reads = finals[key], let lacking = reads.first(where: { !$0.set.contains(element) }) else { continue }
                lost.append(LostAppend(key: key, element: element, appender: t, finalRead: txns[lacking.txn], read: lacking.els))
            }
        }
        return lost
    }
}

extension Transaction {
    /// Whether any step appends.
    var appends: Bool { steps.contains { if case .append = $0 { return true } else { return false } } }
}
