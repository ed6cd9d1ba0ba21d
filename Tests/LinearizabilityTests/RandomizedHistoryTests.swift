import Testing
import Linearizability

/// Histories generated from a simulated store with random concurrency are linearizable by
/// construction (each operation takes effect atomically between its call and its return); the same
/// histories with one read changed to a value nobody wrote are not. The checker must agree both ways.
@Suite struct RandomizedHistoryTests {
    struct Generator {
        var seed: UInt64
        mutating func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    enum Store { case casRegister, keyValue }

    /// Simulates `processes` clients issuing `count` operations on `keys` keys.
    static func simulate(_ store: Store, seed: UInt64, processes: Int = 5, count: Int = 60, keys: Int = 3) -> History {
        var rng = Generator(seed: seed)
        struct Pending { var op: Operation; var applied: Bool }
        var pending: [Int: Pending] = [:]
        var registers: [String: Value] = [:]
        var strings: [String: String] = [:]
        var done: [Operation] = []
        var issued = 0, clock: Int64 = 0, unique: Int64 = 0
        var processID = Array(0..<processes)
        var nextProcess = processes
        var guardSteps = 0
        while (issued < count || !pending.isEmpty) && guardSteps < 100_000 {
            guardSteps += 1
            if rng.chance(75) { clock += 1 }  // sometimes equal timestamps
            let slot = rng.below(processes)
            guard var p = pending[slot] else {
                guard issued < count else { continue }
                issued += 1
                unique += 1
                let key = "k\(rng.below(keys))"
                var o = Operation(id: 0, process: processID[slot], function: "read", key: key, callTime: clock, returnTime: nil)
                switch store {
                case .casRegister:
                    switch rng.below(3) {
                    case 0: o.function = "read"
                    case 1: o.function = "write"; o.input = .int(unique)
                    default:
                        let current = registers[key] ?? .null
                        let expected: Value = rng.chance(50) ? current : .int(Int64(rng.below(Int(unique))))
                        o.function = "cas"; o.input = .list([expected, .int(unique)])
                    }
                case .keyValue:
                    switch rng.below(3) {
                    case 0: o.function = "get"
                    case 1: o.function = "append"; o.input = .string("<\(unique)>")
                    default: o.function = rng.chance(20) ? "put" : "append"; o.input = .string("[\(unique)]")
                    }
                }
                pending[slot] = Pending(op: o, applied: false)
                continue
            }
            if !p.applied {
                // Crash before or after taking effect: the client never learns the outcome.
                let crash = rng.chance(8)
                if !crash || rng.chance(50) {
                    apply(&p.op, registers: &registers, strings: &strings)
                }
                p.applied = true
                if crash {
                    p.op.outcome = .indeterminate
                    p.op.output = .null
                    done.append(p.op)
                    pending[slot] = nil
                    processID[slot] = nextProcess  // a crashed client's process is never reused
                    nextProcess += 1
                } else {
                    pending[slot] = p
                }
                continue
            }
            p.op.returnTime = clock
            done.append(p.op)
            pending[slot] = nil
        }
        return history(done)
    }

    static func apply(_ o: inout Operation, registers: inout [String: Value], strings: inout [String: String]) {
        let key = o.key!
        switch o.function {
        case "read": o.output = registers[key] ?? .null
        case "write": registers[key] = o.input
        case "cas":
            guard case .list(let args) = o.input else { return }
            if (registers[key] ?? .null) == args[0] {
                registers[key] = args[1]
                o.output = true
            } else {
                o.output = false
            }
        case "get": o.output = .string(strings[key] ?? "")
        case "put": if case .string(let s) = o.input { strings[key] = s }
        case "append": if case .string(let s) = o.input { strings[key, default: ""] += s }
        default: break
        }
    }

    /// The same history with one completed read's output replaced by a value never written.
    static func corrupt(_ h: History, seed: UInt64) -> History? {
        var rng = Generator(seed: seed)
        let reads = h.operations.indices.filter {
            let o = h.operations[$0]
            return o.outcome == .ok && (o.function == "read" || o.function == "get")
        }
        guard !reads.isEmpty else { return nil }
        var ops = h.operations
        let i = reads[rng.below(reads.count)]
        ops[i].output = ops[i].function == "read" ? .int(-1) : .string("never written")
        return History(operations: ops)
    }

    @Test(arguments: [Store.casRegister, .keyValue])
    func simulatedHistoriesAreLinearizableAndCorruptedOnesAreNot(_ store: Store) throws {
        let model: any Model = store == .casRegister ? CASRegisterModel() : KeyValueModel()
        var corrupted = 0
        for seed in UInt64(1)...40 {
            let h = Self.simulate(store, seed: seed &* 7919)
            let result = check(history: h, model: model, options: CheckOptions(timeout: 20))
            #expect(result.verdict == .linearizable, "seed \(seed): \(result.verdict)\n\(result.explanation?.text ?? "")")
            guard let bad = Self.corrupt(h, seed: seed) else { continue }
            corrupted += 1
            let badResult = check(history: bad, model: model, options: CheckOptions(timeout: 20))
            #expect(badResult.verdict == .notLinearizable, "seed \(seed) corrupted: \(badResult.verdict)")
            #expect(badResult.explanation != nil, "seed \(seed): a violation without an explanation")
        }
        #expect(corrupted >= 30)
    }

    @Test func singleWorkerAndManyWorkersAgree() {
        for seed in UInt64(100)...115 {
            let h = Self.simulate(.casRegister, seed: seed, processes: 6, count: 80, keys: 4)
            let bad = Self.corrupt(h, seed: seed) ?? h
            for history in [h, bad] {
                let one = check(history: history, model: CASRegisterModel(), options: CheckOptions(workers: 1))
                let many = check(history: history, model: CASRegisterModel(), options: CheckOptions(workers: 4, sliceSteps: 7))
                #expect(one.verdict == many.verdict, "seed \(seed)")
            }
        }
    }
}
