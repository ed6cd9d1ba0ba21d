// A client's-eye driver: writes go prepare (leader, wall clock) -> log bytes -> apply, reads go
// straight to `read`, exactly as the node will drive the state machine.

import RESP
@testable import KeyValueStore

final class Harness {
    let machine: KeyValueStateMachine
    /// The leader's wall clock, in ms since the epoch.
    var now: Int64 = 1_700_000_000_000
    /// Every log entry produced, in order (for replaying on other replicas).
    var log: [[UInt8]] = []

    init(registry: CommandRegistry = .builtin()) {
        machine = KeyValueStateMachine(registry: registry)
    }

    var store: KeyValueStore { machine.store }

    @discardableResult
    func run(_ words: String...) -> RESPValue { run(words.map { Array($0.utf8) }) }

    @discardableResult
    func run(_ args: [[UInt8]]) -> RESPValue {
        switch machine.classify(args) {
        case .failure(let e): return e.reply
        case .success(.read): return machine.read(args, now: now)
        case .success(.admin): return .error("admin")
        case .success(.write):
            switch machine.prepare(args, now: now) {
            case .reply(let r): return r
            case .entry(let bytes):
                log.append(bytes)
                return machine.apply(bytes)
            }
        }
    }

    func advance(ms: Int64) { now += ms }
}

func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
func bulks(_ s: String...) -> RESPValue { .array(s.map(bulk)) }
let wrongType = RESPValue.error("WRONGTYPE Operation against a key holding the wrong kind of value")
let notInteger = RESPValue.error("ERR value is not an integer or out of range")
let syntaxError = RESPValue.error("ERR syntax error")
