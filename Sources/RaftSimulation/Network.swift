// The simulated network: seeded loss, duplication, delay (hence reordering) and partitions,
// symmetric or one-way. It never touches a socket; it only decides when (and whether) a message
// reaches its destination.

import RaftCore

struct Envelope {
    var message: Message
    var from: Int
    var to: Int
    /// An InstallSnapshot travels with the state of the snapshot it names (the real node ships
    /// the file beside the message).
    var snapshotState: UInt64? = nil
}

struct NetworkConditions: Sendable, CustomStringConvertible {
    /// Probability, in per mille, that a message is lost or delivered twice.
    var lossPerMille = 0
    var duplicatePerMille = 0
    /// Delay in clock units (a tick is `Cluster.unitsPerTick` units).
    var minDelay: UInt64 = 1
    var maxDelay: UInt64 = 8
    /// Probability (per mille) of an unusually long delay, which reorders messages.
    var stragglerPerMille = 20

    var description: String {
        "loss=\(lossPerMille)‰ dup=\(duplicatePerMille)‰ delay=\(minDelay)-\(maxDelay)"
    }
}

struct Network {
    var conditions = NetworkConditions()
    /// Directed links that drop everything: blocked[from][to].
    private(set) var blocked: [[Bool]]

    init(nodeCount: Int) {
        blocked = Array(repeating: Array(repeating: false, count: nodeCount), count: nodeCount)
    }

    func isBlocked(from: Int, to: Int) -> Bool { blocked[from][to] }

    var isHealed: Bool { !blocked.contains { $0.contains(true) } }

    mutating func heal() {
        for i in blocked.indices { for j in blocked[i].indices { blocked[i][j] = false } }
    }

    /// Cuts every link between `side` and the rest, both ways (replacing earlier cuts).
    mutating func partition(_ side: Set<Int>) {
        heal()
        for i in blocked.indices {
            for j in blocked.indices where side.contains(i) != side.contains(j) {
                blocked[i][j] = true
            }
        }
    }

    mutating func blockOneWay(from: Int, to: Int) { blocked[from][to] = true }

    /// The delivery times for one send: none (lost), one, or two (duplicated).
    func deliveryDelays(_ rng: inout SplitMix64) -> [UInt64] {
        if conditions.lossPerMille > 0, rng.below(1000) < conditions.lossPerMille { return [] }
        var out = [delay(&rng)]
        if conditions.duplicatePerMille > 0, rng.below(1000) < conditions.duplicatePerMille { out.append(delay(&rng)) }
        return out
    }

    private func delay(_ rng: inout SplitMix64) -> UInt64 {
        let span = conditions.maxDelay - conditions.minDelay + 1
        var d = conditions.minDelay + UInt64(rng.below(Int(span)))
        if conditions.stragglerPerMille > 0, rng.below(1000) < conditions.stragglerPerMille {
            d += UInt64(rng.below(Int(conditions.maxDelay) * 6 + 1))
        }
        return d
    }
}
