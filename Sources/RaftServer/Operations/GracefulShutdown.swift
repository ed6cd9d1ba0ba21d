#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import RaftCore

// What `RaftServer.shutdown()` does before it closes anything (SIGTERM, SIGINT, or the
// application's call): the client listener is already closed by then, so no new connection
// arrives; here requests are refused, the accepted ones finish, a leader hands its role to
// the most up-to-date voter (dissertation §3.10, TimeoutNow) so the cluster does not wait an
// election timeout, and what is in the log is made durable.
extension RaftServer {
    func drainAndHandOver(_ driver: NodeDriver, skippingHandover: Bool = false) async {
        let ops = options.operations
        operations.beginDraining()
        if let metrics = operations.metricsListener.withLockedValue({ $0 }) { try? await metrics.close() }
        if !skippingHandover { await drainThenHandOver(driver, ops) }
        await makeDurable(driver)
    }

    private func drainThenHandOver(_ driver: NodeDriver, _ ops: OperationsOptions) async {
        // 1. In-flight client requests (bounded): those at the client handlers and those the
        //    driver holds for Raft (writes awaiting commit, reads awaiting ReadIndex, forwards).
        let drained = await waitUntil(milliseconds: ops.drainMilliseconds) {
            let pending = (try? await driver.loop.submit { driver.pendingRequestCount }.get()) ?? 0
            return self.operations.inFlight == 0 && pending == 0
        }
        if !drained { logger.warning("shutdown: requests still in flight after \(ops.drainMilliseconds) ms; they get TRYAGAIN") }

        // 2. A leader hands over to the voter whose log is most complete.
        let target = try? await driver.loop.submit { () -> NodeID? in
            guard let t = driver.handoverTarget() else { return nil }
            do {
                try driver.raft.transferLeadership(to: t)
            } catch {
                driver.logger.warning("shutdown: cannot transfer leadership to \(t): \(error)")
                return nil
            }
            driver.scheduleReady()
            return t
        }.get()
        if let target = target ?? nil {
            logger.info("shutdown: transferring leadership to \(target)")
            let handedOver = await waitUntil(milliseconds: ops.handoverMilliseconds) {
                (try? await driver.loop.submit { driver.raft.role != .leader }.get()) ?? true
            }
            if handedOver {
                logger.info("shutdown: \(target) took over leadership")
            } else {
                logger.warning("shutdown: \(target) did not take over within \(ops.handoverMilliseconds) ms; the cluster will elect a leader after its timeout")
            }
        }
    }

    private func makeDurable(_ driver: NodeDriver) async {
        // 3. Durability: let the batch being written finish (with --fsync always every
        //    acknowledged entry is then on disk), and with --fsync never sync the log files now.
        _ = await waitUntil(milliseconds: 2000) {
            (try? await driver.loop.submit { !driver.persisting }.get()) ?? true
        }
        if options.fsync == .never, let dir = options.dataDirectory {
            Self.syncFiles(in: dir + "/wal")
            Self.syncFiles(in: dir + "/snapshots")
        }
    }

    /// Polls `done` every 10 ms until it holds or the time is up; true if it held.
    private func waitUntil(milliseconds: Int, _ done: @Sendable () async -> Bool) async -> Bool {
        let deadline = NIODeadline.now() + .milliseconds(Int64(milliseconds))
        while true {
            if await done() { return true }
            if NIODeadline.now() >= deadline { return false }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// fsync(2) every regular file of `directory` (a read-only descriptor suffices on Linux).
    static func syncFiles(in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let fd = open(directory + "/" + name, O_RDONLY)
            guard fd >= 0 else { continue }
            _ = fsync(fd)
            close(fd)
        }
        let fd = open(directory, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}

extension NodeDriver {
    /// Client requests the driver still has to answer.
    var pendingRequestCount: Int {
        shell.pendingRequestCount  // relayed requests included
    }

    /// On a leader with other voters: a voter heard from recently (a dead one cannot take
    /// over), and among those the highest match index, the one that can win an election soonest
    /// (§5.4.1: its log must be at least as up to date as a majority's).
    func handoverTarget() -> NodeID? {
        guard raft.role == .leader else { return nil }
        let voters = raft.configuration.voters.subtracting([options.id])
        let candidates = raft.progress.filter { voters.contains($0.key) }
        return candidates.max { a, b in
            if a.value.recentActive != b.value.recentActive { return !a.value.recentActive }
            if a.value.match != b.value.match { return a.value.match < b.value.match }
            return a.key.rawValue > b.key.rawValue
        }?.key
    }
}
