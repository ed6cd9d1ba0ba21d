import Linearizability
import RESP
import RaftCore

/// One list-append transaction a client is about to send: its steps, the commands between MULTI
/// and EXEC, and how EXEC's reply becomes the history's completion (docs/history-format.md,
/// "Transactions").
struct ListAppendTransaction: Sendable {
    enum Step: Sendable, Hashable {
        case append(key: String, element: Int64)
        case read(key: String)
    }

    var steps: [Step]

    /// Draws 1 to `maxSteps` steps over the current keys.
    static func draw(_ random: inout SplitMix64, keys: ListAppendKeys) -> ListAppendTransaction {
        let o = keys.options
        let count = 1 + random.below(o.maxSteps)
        var steps: [Step] = []
        for _ in 0..<count {
            let slot = random.below(o.keysAtOnce)
            let isAppend = Double(random.next() >> 11) / Double(1 << 53) < o.appendShare
            if isAppend {
                let (key, element) = keys.append(slot: slot)
                steps.append(.append(key: key, element: element))
            } else {
                steps.append(.read(key: keys.keyToRead(slot: slot)))
            }
        }
        return ListAppendTransaction(steps: steps)
    }

    /// True when the transaction appends nothing: a failure then certainly changed nothing.
    var isReadOnly: Bool {
        !steps.contains { if case .append = $0 { return true } else { return false } }
    }

    /// The commands queued between MULTI and EXEC, one per step.
    var commands: [[String]] {
        steps.map { step in
            switch step {
            case .append(let key, let element): return ["RPUSH", key, String(element)]
            case .read(let key): return ["LRANGE", key, "0", "-1"]
            }
        }
    }

    /// The call's value: every step as `[f, key, value]`, reads not yet known (null).
    var argument: Value {
        .list(steps.map { step in
            switch step {
            case .append(let key, let element): return ["append", .string(key), .int(element)]
            case .read(let key): return ["r", .string(key), .null]
            }
        })
    }

    /// The completion for EXEC's reply: the steps with every read filled in when it committed;
    /// a null reply (the transaction was discarded, nothing ran) is a `fail`; an error follows
    /// the node's error contract (ErrorContract: `fail` only where the node guarantees nothing
    /// ran, as for EXECABORT, answered before anything is proposed; unknown texts are `info`).
    func complete(withExecReply reply: RESPValue) -> Completion {
        switch reply {
        case .array(nil), .null:
            return .fail("EXEC answered null: the transaction was discarded")
        case .error(let text):
            if isReadOnly || !ErrorContract.writeMayHaveTakenEffect(text) { return .fail(text) }
            return .info(text)
        case .array(let items?) where items.count == steps.count:
            var done: [Value] = []
            for (step, item) in zip(steps, items) {
                switch (step, item) {
                case (.append(let key, let element), .integer):
                    done.append(["append", .string(key), .int(element)])
                case (.read(let key), .array(let els?)):
                    var list: [Value] = []
                    for e in els {
                        guard let text = e.stringValue, let n = Int64(text) else { return unexpected(reply) }
                        list.append(.int(n))
                    }
                    done.append(["r", .string(key), .list(list)])
                case (.read(let key), .array(nil)), (.read(let key), .null):
                    done.append(["r", .string(key), .list([])])
                default:
                    return unexpected(reply)
                }
            }
            return .ok(.list(done))
        default:
            return unexpected(reply)
        }
    }

    /// Sends the transaction on `c` (MULTI, one command per step, EXEC) and returns its completion,
    /// and whether the connection must be dropped: after a failure before EXEC (closing it
    /// discards the queue, so EXEC never runs) and after an unknown outcome (a late reply would
    /// answer the next request).
    func exchange(on c: RESPConnection, timeout: Double) -> (completion: Completion, dropConnection: Bool) {
        do {
            let multi = try c.call(["MULTI"], timeout: timeout)
            guard multi == .ok else { return (.fail("MULTI answered \(PlannedOperation.describe(multi))"), true) }
            for command in commands {
                let queued = try c.call(command, timeout: timeout)
                guard queued == .simpleString("QUEUED") else {
                    return (.fail("\(command[0]) answered \(PlannedOperation.describe(queued)) inside MULTI"), true)
                }
            }
        } catch {
            return (.fail("before EXEC: \(error)"), true)
        }
        do {
            let reply = try c.call(["EXEC"], timeout: timeout)
            let completion = complete(withExecReply: reply)
            if case .info = completion { return (completion, true) }
            return (completion, false)
        } catch {
            // EXEC may have reached the node and be committed later: unknown.
            return (isReadOnly ? .fail("EXEC: \(error)") : .info("EXEC: \(error)"), true)
        }
    }

    /// EXEC ran (it answered an array) but not as these commands would: what happened is unknown.
    private func unexpected(_ reply: RESPValue) -> Completion {
        let text = "unexpected EXEC reply \(PlannedOperation.describe(reply))"
        return isReadOnly ? .fail(text) : .info(text)
    }
}
