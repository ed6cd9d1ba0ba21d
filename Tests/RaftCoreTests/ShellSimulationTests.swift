// The simulation drives the node's own shell (RaftShell's NodeShell): clients write and read
// through it, and what it answers is checked. These tests prove those client-visible checks
// are not blind.
import Testing
import RaftCore
import RaftShell
import RaftSimulation

@Suite("Simulation through the node's shell")
struct ShellSimulationTests {
    @Test("Clients get answers: writes acknowledged and reads served through the shell's ReadIndex rounds")
    func clientsAreAnsweredThroughTheShell() {
        var proposals = 0, reads = 0
        for seed in UInt64(1)...20 {
            let r = Simulation.run(seed: seed)
            #expect(r.passed, "\(r.report)")
            proposals += r.proposals
            reads += r.reads
        }
        #expect(proposals > 20 * 10)
        #expect(reads > 20)
    }

    @Test("A shell that acknowledges writes before they commit is caught, and the seed replays")
    func acknowledgingBeforeCommitIsCaught() throws {
        let found = try #require(Self.firstSeedCatching(.ackBeforeCommit, within: 500), "a shell acknowledging before commit passed 500 seeds: the client checks are blind")
        #expect(found.report.contains("Acknowledged Write"), "\(found.report)")
    }

    @Test("Snapshots are taken, shipped and restored in every run, and every node's state agrees at each index")
    func snapshotsRunThroughTheShell() {
        var taken = 0, installed = 0
        for seed in UInt64(1)...20 {
            let r = Simulation.run(seed: seed)
            #expect(r.passed, "\(r.report)")
            taken += r.snapshotsTaken
            installed += r.snapshotsInstalled
        }
        #expect(taken > 20 * 3)
        #expect(installed > 0)
    }

    @Test("A shell that snapshots at the core's applied index (ahead of its state machine) is caught, and the seed replays")
    func snapshotAheadOfStateIsCaught() throws {
        let found = try #require(Self.firstSeedCatching(.snapshotAheadOfState, within: 500), "a shell snapshotting ahead of its state passed 500 seeds: the state checks are blind")
        #expect(found.report.contains("State Machine Agreement"), "\(found.report)")
    }

    @Test("Clients write to followers too: followers relay through the shell's forwarding and the leader's answers come back")
    func followersRelayWrites() {
        var forwarded = 0
        for seed in UInt64(1)...20 {
            let r = Simulation.run(seed: seed)
            #expect(r.passed, "\(r.report)")
            forwarded += r.forwardedWrites
        }
        #expect(forwarded > 20 * 5)
    }

    @Test("Writes sent to a node that knows no leader wait for the election; those acknowledged are durable and applied")
    func writesWaitForTheElection() {
        var waited = 0, acknowledged = 0
        for seed in UInt64(1)...20 {
            let r = Simulation.run(seed: seed)
            // Every acknowledged write, waited or not, was durable on a majority when answered
            // and is applied after heal: the run fails otherwise.
            #expect(r.passed, "\(r.report)")
            waited += r.leaderWaitWrites
            acknowledged += r.leaderWaitAcknowledged
        }
        #expect(waited > 20, "few writes found a node without a leader: \(waited)")
        #expect(acknowledged > 0, "no write that waited for a leader was ever acknowledged (of \(waited))")
    }

    @Test("Every read answered returns a value that was current at some moment since it began, on leaders and followers")
    func readValuesAreChecked() {
        var checked = 0, served = 0
        for seed in UInt64(1)...20 {
            let r = Simulation.run(seed: seed)
            #expect(r.passed, "\(r.report)")
            checked += r.readValuesChecked
            served += r.reads
        }
        #expect(served > 20)
        #expect(checked == served, "every read served had its value checked")
    }

    @Test("A shell that serves a read before its read index is applied returns a stale value, caught by the value check, and the seed replays (raft-sim replay N --shell-fault serveReadBeforeApplied)")
    func servingReadsBeforeApplyIsCaughtByTheValue() throws {
        // Some seeds catch it first by the shell's claimed index (rule "Linearizable Read"); the
        // value check, which trusts nothing the shell says, must catch it on its own as well.
        let found = try #require(
            Self.firstSeedCatching(.serveReadBeforeApplied, within: 300, rule: "Linearizable Read Value"),
            "a shell serving reads before apply returned no stale value in 300 seeds: the read-value check is blind")
        #expect(found.violation?.rule == "Linearizable Read Value", "\(found.report)")
    }

    @Test("A follower that answers a relayed write OK before the leader's reply is caught, and the seed replays")
    func acknowledgingRelayedWritesEarlyIsCaught() throws {
        let found = try #require(Self.firstSeedCatching(.ackForwardBeforeReply, within: 300), "a follower acknowledging relayed writes early passed 300 seeds: the client checks are blind")
        #expect(found.report.contains("Acknowledged Write"), "\(found.report)")
    }

    /// The first seed up to `limit` whose run with the planted shell `fault` fails, after checking
    /// that the seed replays to the same report (what `raft-sim replay N --shell-fault` relies on).
    /// With `rule`, the first seed whose run fails by that rule.
    static func firstSeedCatching(_ fault: ShellUnsafeFaults, within limit: UInt64, rule: String? = nil) -> SimulationResult? {
        for seed in UInt64(1)...limit {
            var options = SimulationOptions.derived(seed: seed)
            options.shellFaults = fault
            let r = Simulation.run(options)
            if !r.passed, rule == nil || r.violation?.rule == rule {
                #expect(Simulation.run(options).report == r.report, "seed \(seed) does not replay")
                return r
            }
        }
        return nil
    }
}
