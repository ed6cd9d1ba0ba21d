import Linearizability
import RaftCore

/// One client's choice of operations, drawn from the run's seed: which workload, which key,
/// which function. It remembers the last value it saw per register, so its cas operations
/// usually name a value that could still be there.
struct OperationPlanner {
    private var random: SplitMix64
    private let weights: [Double]
    private var lastSeen: [String: Value] = [:]

    init(seed: UInt64, mix: WorkloadOptions.Mix) {
        random = SplitMix64(seed: seed)
        weights = [mix.register, mix.map, mix.set]
    }

    mutating func next(in keys: KeySpace) -> PlannedOperation {
        switch pickWorkload() {
        case .register: return register(in: keys)
        case .map: return map(in: keys)
        case .set: return add(in: keys)
        }
    }

    /// What an operation that ended ok taught this client about its key.
    mutating func observe(_ op: PlannedOperation, result: Value) {
        guard op.workload == .register else { return }
        if lastSeen.count > 256 { lastSeen = [:] }  // keys rotate: forget the old ones
        switch op.function {
        case "read", "write": lastSeen[op.key] = result
        case "cas":
            if result == .bool(true), case .list(let args) = op.argument, args.count == 2 { lastSeen[op.key] = args[1] }
        default: break
        }
    }

    private mutating func pickWorkload() -> PlannedOperation.Workload {
        let total = weights.reduce(0, +)
        var x = Double(random.next() >> 11) / Double(1 << 53) * total
        for (w, kind) in zip(weights, [PlannedOperation.Workload.register, .map, .set]) {
            if x < w { return kind }
            x -= w
        }
        return weights[2] > 0 ? .set : weights[1] > 0 ? .map : .register
    }

    private mutating func register(in keys: KeySpace) -> PlannedOperation {
        let key = keys.registerKey(slot: random.below(keys.options.keysAtOnce))
        switch random.below(10) {
        case 0..<4:
            return PlannedOperation(workload: .register, function: "read", key: key, argument: .null, command: ["GET", key], expect: .value)
        case 4..<7:
            let v = keys.uniqueValue()
            return PlannedOperation(workload: .register, function: "write", key: key, argument: .int(v), command: ["SET", key, "\(v)"], expect: .ok)
        default:
            // The node's CAS treats a missing key as "": cas from nil sends "" (no written value is empty).
            let expected = lastSeen[key] ?? .null
            let v = keys.uniqueValue()
            let sent: String
            switch expected {
            case .int(let i): sent = "\(i)"
            case .string(let s): sent = s
            default: sent = ""
            }
            return PlannedOperation(
                workload: .register, function: "cas", key: key, argument: .list([expected, .int(v)]),
                command: ["CAS", key, sent, "\(v)"], expect: .swapped)
        }
    }

    private mutating func map(in keys: KeySpace) -> PlannedOperation {
        let key = keys.mapKey(slot: random.below(keys.options.keysAtOnce))
        switch random.below(10) {
        case 0..<4:
            return PlannedOperation(workload: .map, function: "get", key: key, argument: .null, command: ["GET", key], expect: .value)
        case 4..<8:
            let v = keys.uniqueValue()
            return PlannedOperation(workload: .map, function: "set", key: key, argument: .int(v), command: ["SET", key, "\(v)"], expect: .ok)
        default:
            return PlannedOperation(workload: .map, function: "del", key: key, argument: .null, command: ["DEL", key], expect: .count)
        }
    }

    private mutating func add(in keys: KeySpace) -> PlannedOperation {
        let key = keys.setKeys[random.below(keys.setKeys.count)]
        let v = keys.uniqueValue()
        return PlannedOperation(workload: .set, function: "add", key: key, argument: .int(v), command: ["RPUSH", key, "\(v)"], expect: .appended)
    }
}
