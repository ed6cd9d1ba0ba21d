// The simulated state machine is a digest of the writes applied, in order: two nodes at the same
// applied index must hold the same digest, whether they got there by applying entries, by
// restarting from their own snapshot or by installing the leader's. A snapshot whose metadata
// claims more (or less) than its state holds shows up as a mismatch at that index.

import RaftCore

enum StateDigest {
    static let empty: UInt64 = 0xCBF2_9CE4_8422_2325

    /// The state after applying `e` (only writes change it; no-ops and configurations do not).
    static func applying(_ e: Entry, to digest: UInt64) -> UInt64 {
        guard e.kind == .normal else { return digest }
        var d = (digest ^ e.index.rawValue) &* 0x0000_0100_0000_01B3
        for b in e.data { d = (d ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return d
    }
}

/// Client-visible: every node's state machine at applied index i equals every other node's at i.
struct StateAgreement {
    private var digests: [UInt64: UInt64] = [0: StateDigest.empty]

    mutating func observe(node: NodeID, index: LogIndex, digest: UInt64, how: String) throws(Violation) {
        if let known = digests[index.rawValue] {
            guard known == digest else {
                throw Violation(
                    rule: "State Machine Agreement",
                    detail: "\(node)'s state at index \(index) (\(how)) differs from what another node held at that index")
            }
        } else {
            digests[index.rawValue] = digest
        }
    }
}
