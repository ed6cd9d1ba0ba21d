import Logging
import NIOCore
import NIOPosix
import PeerWire
import RaftCore
import RaftStorage

/// Snapshot transfer on the peer port (§7), both directions, in RaftStorage's file format.
///
/// Leader: the core's InstallSnapshot message goes out first, then the snapshot file in chunks
/// of at most 1 MiB read from disk (or the in-memory image) as the connection drains: at most
/// `window` chunks are queued on the socket at once, so a snapshot of any size costs a few MiB.
/// With `sendRate` set (--snapshot-send-rate), chunks leave no faster than that many bytes a second,
/// so a large transfer cannot crowd out the heartbeats and appends that share the machine.
/// A transfer dies with its connection; the core's stall timer then asks again and the leader
/// starts sending from offset 0, until the follower says how much it kept (a `snapshotResume`
/// frame); the leader then skips ahead to that offset (a repeated request while a transfer runs
/// is ignored).
///
/// Follower: the shell holds the InstallSnapshot message back from the core and asks for its file
/// (`.receiveSnapshot`, NodeShell+InstallSnapshot.swift); the file arrives in a receiver (a
/// temporary file, or memory without --data-dir); once the last chunk is in, it is validated and
/// made durable off the event loop, and only then told to the shell, which steps the message into
/// the core, whose Ready then tells the driver to restore the state machine from that file.
/// A receiver outlives a broken connection: when the same leader announces the same snapshot
/// again, the follower keeps the bytes it has, tells the leader its offset, and skips the chunks
/// it already holds. A resumed file is checked as a whole like any other (every record's CRC,
/// the end record, the metadata), so bytes from two different files can never be installed.
/// Lives on the transport's loop. The snapshot a laggard is sent is the node's (the driver owns
/// the latest snapshot and hands it to `start`).
final class SnapshotShipping: @unchecked Sendable {
    let myID: NodeID
    let persistence: any RaftPersistence
    let ioPool: NIOThreadPool
    let loop: any EventLoop
    let logger: Logger
    static let window = 2
    /// Bytes per second for outgoing snapshot files; nil sends as fast as the connection drains.
    var sendRate: Int? = nil
    /// Bytes of snapshot files written to peers, and transfers that went on from a follower's
    /// offset instead of byte 0 (both sides count theirs); set by the driver.
    var metrics: NodeMetrics? = nil

    /// One transfer; touched only on the transport's loop.
    final class Outgoing: @unchecked Sendable {
        let peer: NodeID
        let metadata: SnapshotMetadata
        let source: any SnapshotByteSource
        let channel: any Channel
        let total: Int
        let started: NIODeadline
        var offset: UInt64 = 0
        /// Where the bytes sent by this transfer began (a resumed transfer skips ahead).
        var resumedAt: UInt64 = 0
        var inFlight = 0
        var allQueued = false
        var failed = false
        /// A pump waiting for the rate limit.
        var paced: Scheduled<Void>? = nil
        init(peer: NodeID, metadata: SnapshotMetadata, source: any SnapshotByteSource, channel: any Channel, total: Int) {
            self.peer = peer
            self.metadata = metadata
            self.source = source
            self.channel = channel
            self.total = total
            self.started = .now()
        }
    }
    var outgoing: [NodeID: Outgoing] = [:]
    /// Followers that said they hold the whole file of a snapshot (and are validating it), on
    /// which connection and since when: the core's repeated requests for that snapshot send
    /// nothing meanwhile. Trusted for `wholeFileGrace` on that connection only, so a follower
    /// that restarts or finds the file invalid gets it again.
    var holdsWhole: [NodeID: (meta: SnapshotMetadata, channel: any Channel, since: NIODeadline)] = [:]
    static let wholeFileGrace = TimeAmount.seconds(30)

    // Follower side.
    var receiver: (any SnapshotChunkReceiver)? = nil
    /// The leader sending the file `receiver` holds: only it may continue that file.
    var receiverSource: NodeID? = nil
    var finishing: SnapshotMetadata? = nil
    /// The size of the file being finished, or of the latest one installed: what a follower that
    /// holds the whole file tells a leader that starts sending it again.
    var heldWhole: (meta: SnapshotMetadata, bytes: UInt64)? = nil
    /// Files received and installed, waiting for the core's Ready to ask for them.
    var installed: [StoredSnapshot] = []

    init(myID: NodeID, persistence: any RaftPersistence, ioPool: NIOThreadPool, loop: any EventLoop, logger: Logger) {
        self.myID = myID
        self.persistence = persistence
        self.ioPool = ioPool
        self.loop = loop
        self.logger = logger
    }

    // MARK: leader

    /// Sends the InstallSnapshot `m` for `meta`, then the file of `latest` (the node's newest).
    func start(_ m: Message, _ meta: SnapshotMetadata, latest: StoredSnapshot?, on link: PeerLink) {
        if let t = outgoing[m.to], !t.failed, t.metadata == meta, t.channel === link.channel {
            return  // already on its way; the core asked again because it took longer than a timeout
        }
        if let h = holdsWhole[m.to], h.meta == meta, let c = link.channel, h.channel === c,
           NIODeadline.now() - h.since < Self.wholeFileGrace {
            return  // it has the file and is validating it; its answer comes once installed
        }
        holdsWhole[m.to] = nil
        outgoing[m.to]?.failed = true
        outgoing[m.to] = nil
        guard let channel = link.channel, channel.isActive else {
            logger.debug("no connection to \(m.to) for a snapshot; the core retries after its stall timeout")
            return
        }
        guard let stored = latest, stored.metadata == meta else {
            // Not reported as a failure: that would make the core ask again at once, in a loop;
            // its stall timer asks again after an election timeout instead.
            logger.error("asked to send snapshot \(meta.index)/\(meta.term) to \(m.to), but the latest stored snapshot is \(latest.map { "\($0.metadata.index)/\($0.metadata.term)" } ?? "none")")
            return
        }
        let source: any SnapshotByteSource
        let total: Int
        do {
            source = try stored.open()
            total = try source.size()
        } catch {
            logger.error("cannot open snapshot \(stored.location) to send it to \(m.to): \(error)")
            return
        }
        logger.info("sending snapshot at index \(meta.index) (\(total) bytes) to \(m.to)")
        link.send(.message(m))
        link.flush()
        let t = Outgoing(peer: m.to, metadata: meta, source: source, channel: channel, total: total)
        outgoing[m.to] = t
        pump(t)
    }

    /// Queues chunks while fewer than `window` are unwritten; each completed write queues the next.
    private func pump(_ t: Outgoing) {
        t.paced = nil
        while !t.failed, !t.allQueued, t.inFlight < Self.window {
            if let wait = pacingDelay(t) {
                t.paced = loop.scheduleTask(in: wait) { [self] in pump(t) }
                return
            }
            let chunk: SnapshotChunk
            do {
                chunk = try SnapshotFiles.chunk(of: t.source, metadata: t.metadata, offset: t.offset)
            } catch {
                logger.error("reading snapshot for \(t.peer) at offset \(t.offset): \(error)")
                fail(t)
                return
            }
            t.offset += UInt64(chunk.bytes.count)
            t.allQueued = chunk.last
            metrics?.snapshotBytesSent.increment(by: Int64(chunk.bytes.count))
            t.inFlight += 1
            let promise = t.channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { [self] result in
                t.inFlight -= 1
                if case .failure(let error) = result {
                    if !t.failed { logger.info("snapshot transfer to \(t.peer) broke at \(t.offset) of \(t.total) bytes (\(error)); it goes on from what the follower kept when the leader asks again") }
                    fail(t)
                    return
                }
                if t.allQueued && t.inFlight == 0 {
                    if outgoing[t.peer] === t { outgoing[t.peer] = nil }
                    let ms = (NIODeadline.now() - t.started).nanoseconds / 1_000_000
                    let resumed = t.resumedAt > 0 ? ", resumed at byte \(t.resumedAt)" : ""
                    logger.info("sent snapshot at index \(t.metadata.index) (\(t.total) bytes\(resumed)) to \(t.peer) in \(ms) ms")
                } else {
                    pump(t)
                }
            }
            t.channel.writeAndFlush(t.channel.allocator.buffer(bytes: FrameCodec.encode(.snapshotChunk(chunk))), promise: promise)
        }
    }

    private func fail(_ t: Outgoing) {
        guard !t.failed else { return }
        t.failed = true
        t.paced?.cancel()
        t.paced = nil
        if outgoing[t.peer] === t { outgoing[t.peer] = nil }
    }

    /// How long the next chunk must wait to keep the transfer at `sendRate`, if at all.
    private func pacingDelay(_ t: Outgoing) -> TimeAmount? {
        guard let rate = sendRate, rate > 0 else { return nil }
        let sent = Double(t.offset - t.resumedAt)
        let due = t.started + .nanoseconds(Int64(sent / Double(rate) * 1e9))
        let now = NIODeadline.now()
        return due > now ? due - now : nil
    }

    /// The follower `peer` holds the first `r.offset` bytes of the snapshot being sent to it:
    /// the transfer goes on from there, or stops when that is the whole file. Only ever forward
    /// (chunks already queued are skipped by the follower), and only for the snapshot this
    /// transfer sends.
    func resumeRequested(_ r: SnapshotResume, from peer: NodeID?) {
        guard let peer, let t = outgoing[peer], !t.failed, !t.allQueued,
              t.metadata.index == r.snapshotIndex, t.metadata.term == r.snapshotTerm else {
            logger.debug("resume of snapshot \(r.snapshotIndex)/\(r.snapshotTerm) at \(r.offset) from \(peer?.description ?? "?") matches no transfer, ignored")
            return
        }
        if r.offset >= UInt64(t.total) {
            logger.info("\(peer) holds all of snapshot \(r.snapshotIndex) already (it is validating it): not sending it again")
            holdsWhole[peer] = (t.metadata, t.channel, .now())
            fail(t)
            return
        }
        guard r.offset > t.offset else { return }
        logger.info("snapshot transfer to \(peer) resumes at byte \(r.offset) of \(t.total) (the follower kept them)")
        metrics?.snapshotTransfersResumed.increment()
        t.offset = r.offset
        t.resumedAt = r.offset
    }

    // MARK: follower

    /// The shell holds an InstallSnapshot for `meta` and asks for its file: a transfer of the
    /// same snapshot that has not started (or is being finished) goes on; any other starts over,
    /// as the leader sends the file from offset 0 after each InstallSnapshot.
    /// A leader announcing again a snapshot this node holds part of (from that same leader) gets
    /// told the offset to go on from (`resume`, sent on the link to that leader).
    func receive(_ meta: SnapshotMetadata, from leader: NodeID?, delegate: any PeerTransportDelegate, resume: (NodeID, SnapshotResume) -> Void) {
        if let whole = heldWhole, whole.meta == meta, finishing == meta || installed.contains(where: { $0.metadata == meta }) {
            // The core's stall timer re-sent the message while the file is being validated (a
            // large file takes longer than an election timeout): tell the leader it is all here.
            if let leader {
                resume(leader, SnapshotResume(snapshotIndex: meta.index, snapshotTerm: meta.term, offset: whole.bytes))
            }
            return
        }
        if let r = receiver, r.metadata == meta, receiverSource == leader {
            if let leader, r.receivedBytes > 0 {
                logger.info("resuming snapshot at index \(meta.index) from \(leader) at byte \(r.receivedBytes)")
                metrics?.snapshotTransfersResumed.increment()
                resume(leader, SnapshotResume(snapshotIndex: meta.index, snapshotTerm: meta.term, offset: r.receivedBytes))
            }
            return
        }
        receiver?.abort()
        receiver = nil
        do {
            receiver = try persistence.beginReceive(meta)
            receiverSource = leader
            logger.info("receiving snapshot at index \(meta.index) from \(leader?.description ?? "the leader")")
        } catch {
            logger.error("cannot receive snapshot at index \(meta.index): \(error)")
            delegate.snapshotFileFailed(meta)
        }
    }

    func chunkArrived(_ c: SnapshotChunk, from peer: NodeID?, delegate: any PeerTransportDelegate) {
        guard let r = receiver, r.metadata.index == c.snapshotIndex, r.metadata.term == c.snapshotTerm else {
            logger.trace("snapshot chunk \(c.snapshotIndex)/\(c.snapshotTerm) at \(c.offset) from \(peer?.description ?? "?") not expected, dropped")
            return
        }
        // After a resume the leader's chunks already on their way start below what is held.
        guard let fresh = c.suffix(from: r.receivedBytes) else { return }
        do {
            try r.append(fresh)
        } catch {
            logger.warning("snapshot chunk from \(peer?.description ?? "?") refused (\(error)); waiting for the leader to start over")
            r.abort()
            receiver = nil
            delegate.snapshotFileFailed(r.metadata)
            return
        }
        guard r.isComplete else { return }
        receiver = nil
        finishing = r.metadata
        heldWhole = (r.metadata, r.receivedBytes)
        let persistence = self.persistence
        let handOff = ReceiverHandOff(receiver: r)  // the loop no longer touches it
        let meta = r.metadata, size = r.receivedBytes
        ioPool.runIfActive(eventLoop: loop) { try persistence.finishReceive(handOff.receiver) }.whenComplete { [self] result in
            if finishing == meta { finishing = nil }
            switch result {
            case .success(let stored):
                logger.info("received snapshot at index \(stored.metadata.index) (\(size) bytes), validated: \(stored.location)")
                installed.removeAll { $0.metadata.index <= stored.metadata.index }
                installed.append(stored)
                delegate.snapshotFileReceived(stored.metadata)
            case .failure(let error):
                logger.error("received snapshot at index \(meta.index) is invalid, discarded: \(error)")
                delegate.snapshotFileFailed(meta)
            }
        }
    }

    /// The core's Ready installs `meta`: the file the driver restores from and records.
    func takeInstalled(_ meta: SnapshotMetadata) -> StoredSnapshot? {
        guard let i = installed.firstIndex(where: { $0.metadata == meta }) else { return nil }
        return installed.remove(at: i)
    }

    func close() {
        receiver?.abort()
        receiver = nil
        for t in outgoing.values { fail(t) }
        outgoing = [:]
        holdsWhole = [:]
    }
}

/// A receiver passed to the I/O thread for its final validation and sync, after which only that
/// thread uses it (and the loop reads its immutable metadata).
private struct ReceiverHandOff: @unchecked Sendable {
    let receiver: any SnapshotChunkReceiver
}
