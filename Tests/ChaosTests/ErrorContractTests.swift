import Linearizability
import RESP
import Testing
@testable import Chaos

/// Every error text raft-node can answer a write with is recorded by what it guarantees:
/// refused before proposing = fail (no effect), after = info (may have taken effect).
@Suite struct ErrorContractTests {
    static let write = PlannedOperation(workload: .register, function: "write", key: "r0-0", argument: .int(7), command: ["SET", "r0-0", "7"], expect: .ok)
    static let read = PlannedOperation(workload: .register, function: "read", key: "r0-0", argument: .null, command: ["GET", "r0-0"], expect: .value)

    @Test(arguments: [
        "CLUSTERDOWN No leader elected yet, try again",
        "TRYAGAIN this node is no longer the leader",
        "TRYAGAIN leader n3 is unreachable",
        "TRYAGAIN leadership transfer in progress",
        "TRYAGAIN leadership changed, the write was not applied",
        "TRYAGAIN a membership change is in progress (one at a time), try again",
        "TRYAGAIN configChangeInProgress",
        "TRYAGAIN removed",
        "ERR this node is not a member of the cluster (removed or not yet joined)",
        "ERR this node is not a member of the cluster (removed)",
        "ERR this node was removed from the cluster: send commands to a member (RAFT.STATUS on any member lists them)",
        "ERR this node is not in a cluster yet (it is joining too): start the first node without -e, or give every founder the same -e list including itself",
        "ERR wrong number of arguments for 'set' command",
        "ERR unknown command 'sett'",
        "ERR syntax error",
        "ERR value is not an integer or out of range",
        "ERR max number of clients reached",
        "WRONGTYPE Operation against a key holding the wrong kind of value",
        "NOAUTH Authentication required.",
    ])
    func refusalsBeforeProposingAreFails(text: String) {
        #expect(Self.write.complete(with: .error(text)) == .fail(text))
    }

    @Test(arguments: [
        "TRYAGAIN request timed out (a write may still be applied)",
        "TRYAGAIN node is shutting down",
        "TRYAGAIN lost the leader, write outcome unknown (a write may still be applied)",
        "ERR the leader sent an unreadable reply",
        "SOMETHING the table has never heard of",
    ])
    func errorsAfterProposingOrUnknownAreInfo(text: String) {
        #expect(Self.write.complete(with: .error(text)) == .info(text))
    }

    @Test func aFailedReadIsAFailWhateverTheError() {
        for text in ["TRYAGAIN read timed out", "TRYAGAIN leadership changed during the read", "TRYAGAIN request timed out (a write may still be applied)"] {
            #expect(Self.read.complete(with: .error(text)) == .fail(text))
        }
    }

    @Test func successfulRepliesBecomeTheHistorysValues() {
        #expect(Self.read.complete(with: .bulk("42")) == .ok(.int(42)))
        #expect(Self.read.complete(with: .nullBulk) == .ok(.null))
        #expect(Self.write.complete(with: .ok) == .ok(.int(7)))
        let cas = PlannedOperation(workload: .register, function: "cas", key: "k", argument: [.null, 3], command: ["CAS", "k", "", "3"], expect: .swapped)
        #expect(cas.complete(with: .integer(1)) == .ok(.bool(true)))
        #expect(cas.complete(with: .integer(0)) == .ok(.bool(false)))
        let del = PlannedOperation(workload: .map, function: "del", key: "m", argument: .null, command: ["DEL", "m"], expect: .count)
        #expect(del.complete(with: .integer(1)) == .ok(.int(1)))
    }

    /// A write answered with something it cannot answer (a sabotaged node's +OK to a CAS) is not
    /// evidence of anything: info.
    @Test func anImpossibleReplyToAWriteIsInfo() {
        let cas = PlannedOperation(workload: .register, function: "cas", key: "k", argument: [.null, 3], command: ["CAS", "k", "", "3"], expect: .swapped)
        guard case .info(let why) = cas.complete(with: .ok) else {
            Issue.record("expected info")
            return
        }
        #expect(why.contains("unexpected reply"))
    }
}
