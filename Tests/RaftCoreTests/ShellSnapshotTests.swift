// Snapshots as the shell decides them: at the index the state machine holds (never the core's
// applied index, which runs ahead while a Ready is being made durable), when --log-max is
// reached, one at a time, and compacting the core's log only once written.
import Testing
import RaftCore
import RaftShell

@Suite("Snapshots through the node's shell")
struct ShellSnapshotTests {
    /// A one-node cluster's leader with its first entry applied, driven by hand so that a test
    /// can stop between a `.persist` and its `persisted`.
    func leader(_ config: ShellConfig = ShellConfig()) -> NodeShell {
        var core = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a"]))
        core.campaign()
        var shell = NodeShell(core: core, config: config)
        _ = settle(&shell)
        return shell
    }


    /// One Ready made durable, and nothing more: entries it commits are handed out by the next.
    func persistOneReady(_ shell: inout NodeShell) {
        let actions = shell.ready(now: 0)
        #expect(actions.contains { if case .persist = $0 { true } else { false } })
        #expect(Self.appliedIndex(shell.persisted(now: 0)) == nil)
    }

    static func appliedIndex(_ actions: [ShellAction]) -> LogIndex? {
        actions.reduce(nil) { last, a in if case .apply(let es, _) = a { es.last?.index ?? last } else { last } }
    }

    @Test("A snapshot asked for while a Ready is being made durable covers only what the state machine holds")
    func snapshotDuringPersistCoversWhatWasApplied() throws {
        var shell = leader()
        shell.write(Array("a".utf8), token: 1)
        persistOneReady(&shell)  // "a" durable and committed; its apply comes with the next Ready
        let appliedBefore = shell.stateMachineIndex
        shell.write(Array("b".utf8), token: 2)
        let first = shell.ready(now: 0)
        // This Ready hands out "a" to apply and "b" to persist: the apply waits for the persist.
        #expect(first.contains { if case .persist = $0 { true } else { false } })
        #expect(Self.appliedIndex(first) == nil)
        #expect(shell.core.handedOutIndex > appliedBefore, "the core counts \"a\" as applied as soon as it hands it out")
        let asked = shell.beginSnapshot()
        let meta = try #require(asked)
        #expect(meta.index == appliedBefore, "snapshot metadata at \(meta.index), but the state machine holds \(appliedBefore)")
        let rest = shell.persisted(now: 0)
        #expect(Self.appliedIndex(rest) == shell.core.handedOutIndex)
        #expect(shell.stateMachineIndex == shell.core.handedOutIndex)
    }

    @Test("The planted snapshot-ahead-of-state fault takes the core's index instead")
    func plantedFaultSnapshotsAheadOfState() throws {
        var shell = leader(ShellConfig(unsafeFaults: .snapshotAheadOfState))
        shell.write(Array("a".utf8), token: 1)
        persistOneReady(&shell)
        let held = shell.stateMachineIndex
        shell.write(Array("b".utf8), token: 2)
        _ = shell.ready(now: 0)
        let asked = shell.beginSnapshot()
        let meta = try #require(asked)
        #expect(meta.index > held)
    }

    @Test("--log-max asks for a snapshot once that many writes are applied, and the log compacts once it is written")
    func logMaxTakesASnapshotAndCompacts() throws {
        var shell = leader(ShellConfig(logMaxEntries: 3))
        for t in 1...2 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        #expect(!settle(&shell).contains { if case .takeSnapshot = $0 { true } else { false } })
        shell.write(Array("w3".utf8), token: 3)
        let actions = settle(&shell)
        let asked = actions.compactMap { if case .takeSnapshot(let m) = $0 { m } else { nil } }
        let meta = try #require(asked.first)
        #expect(asked.count == 1)
        #expect(meta.index == Self.appliedIndex(actions))
        #expect(shell.snapshotInFlight == meta)
        // While it is written, more writes ask for nothing more, and the log is not compacted.
        for t in 4...7 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        #expect(!settle(&shell).contains { if case .takeSnapshot = $0 { true } else { false } })
        #expect(shell.core.firstIndex == LogIndex(1))
        let adopted = shell.snapshotWritten(meta, recorded: true)
        #expect(adopted)
        #expect(shell.core.snapshot?.index == meta.index)
        #expect(shell.core.firstIndex == meta.index.next)
        #expect(shell.snapshotInFlight == nil)
        // The four writes applied meanwhile count toward the next one.
        shell.write(Array("w8".utf8), token: 8)
        #expect(settle(&shell).contains { if case .takeSnapshot = $0 { true } else { false } })
    }

    @Test("A snapshot that finishes after --log-max more writes were applied says another is due, without waiting for a write")
    func snapshotDueOnceWrittenWhenEnoughWritesArrivedMeanwhile() throws {
        var shell = leader(ShellConfig(logMaxEntries: 3))
        for t in 1...3 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        let asked = settle(&shell).compactMap { if case .takeSnapshot(let m) = $0 { m } else { nil } }
        let meta = try #require(asked.first)
        #expect(!shell.snapshotDue, "one is in flight")
        // Three more writes while it is written: enough for the next, but none is asked for now.
        for t in 4...6 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        #expect(!settle(&shell).contains { if case .takeSnapshot = $0 { true } else { false } })
        let adopted = shell.snapshotWritten(meta, recorded: true)
        #expect(adopted)
        #expect(shell.snapshotDue)
        let asked2 = shell.beginSnapshot()
        let next = try #require(asked2)
        #expect(next.index == shell.stateMachineIndex)
        #expect(next.index > meta.index)
        #expect(!shell.snapshotDue)
    }

    @Test("A snapshot that finishes with fewer than --log-max writes applied since it began says none is due")
    func snapshotNotDueWithFewWritesMeanwhile() throws {
        var shell = leader(ShellConfig(logMaxEntries: 3))
        for t in 1...3 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        let asked = settle(&shell).compactMap { if case .takeSnapshot(let m) = $0 { m } else { nil } }
        let meta = try #require(asked.first)
        for t in 4...5 { shell.write(Array("w\(t)".utf8), token: RequestToken(t)) }
        _ = settle(&shell)
        let adopted = shell.snapshotWritten(meta, recorded: true)
        #expect(adopted)
        #expect(!shell.snapshotDue)
    }

    @Test("A snapshot the log no longer wants (a newer one was installed meanwhile) leaves the core as it was")
    func unrecordedSnapshotIsNotAdopted() throws {
        var shell = leader()
        shell.write(Array("a".utf8), token: 1)
        _ = settle(&shell)
        let first = shell.beginSnapshot()
        let meta = try #require(first)
        let second = shell.beginSnapshot()
        #expect(second == nil, "one snapshot at a time")
        let adopted = shell.snapshotWritten(meta, recorded: false)
        #expect(!adopted)
        #expect(shell.core.snapshot == nil)
        #expect(shell.snapshotInFlight == nil)
        let retry = shell.beginSnapshot()
        let again = try #require(retry)
        shell.snapshotFailed(again)
        #expect(shell.snapshotInFlight == nil)
    }

    /// A follower "b" of leader "a" in term 1 with an empty log.
    func follower() -> NodeShell {
        let core = RaftNode(config: RaftConfig(id: "b", randomSeed: 2), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        return NodeShell(core: core)
    }

    static func installSnapshot(_ index: UInt64) -> (Message, SnapshotMetadata) {
        let s = SnapshotMetadata(index: LogIndex(index), term: Term(1), configuration: Configuration(voters: ["a", "b", "c"]))
        return (Message(from: "a", to: "b", term: Term(1), body: .installSnapshot(s)), s)
    }

    @Test("An InstallSnapshot is held from the core until its file is in, then installed and the state machine counted at its index")
    func installSnapshotWaitsForItsFile() throws {
        var shell = follower()
        let (m, s) = Self.installSnapshot(50)
        let asked = shell.installSnapshotArrived(m)
        #expect(asked == [.receiveSnapshot(s)])
        #expect(shell.core.snapshot == nil, "the core saw the snapshot before its file was in")
        #expect(shell.snapshotAwaitingFile == s)
        shell.snapshotReceived(s)
        #expect(shell.snapshotAwaitingFile == nil)
        #expect(shell.core.snapshot == s)
        let actions = shell.ready(now: 0)
        let persist = try #require(actions.compactMap { if case .persist(let p) = $0 { p } else { nil } }.first)
        #expect(persist.snapshot == s)
        #expect(shell.stateMachineIndex == s.index)
        // A snapshot asked for now covers nothing new: the state machine holds exactly the installed one.
        _ = shell.persisted(now: 0)
        let again = shell.beginSnapshot()
        #expect(again == nil)
    }

    @Test("A transfer that breaks drops the held message; the same InstallSnapshot sent again asks for the file again")
    func brokenTransferIsAskedAgain() {
        var shell = follower()
        let (m, s) = Self.installSnapshot(50)
        _ = shell.installSnapshotArrived(m)
        shell.snapshotReceiveFailed(s)
        #expect(shell.snapshotAwaitingFile == nil)
        shell.snapshotReceived(SnapshotMetadata(index: LogIndex(40), term: Term(1), configuration: s.configuration))
        #expect(shell.core.snapshot == nil, "a file for another snapshot does not release anything")
        #expect(shell.installSnapshotArrived(m) == [.receiveSnapshot(s)])
    }

    @Test("An InstallSnapshot the core can answer without a file (nothing beyond its commit index) goes to it at once")
    func installSnapshotAtOrBelowCommitIsSteppedAtOnce() {
        var shell = follower()
        let (m, _) = Self.installSnapshot(0)
        #expect(shell.installSnapshotArrived(m).isEmpty)
        #expect(shell.snapshotAwaitingFile == nil)
        #expect(shell.core.leader == "a", "the core saw the message (it learned its leader from it)")
    }
}
