import KeyValueStore
import RESP

/// One client connection's Redis state beyond its requests: an open MULTI with its queued
/// commands, the keys it WATCHes with what it saw of them, and its Pub/Sub subscriptions.
/// Kept by the connection (`ClientRequestContext.session`), used on its event loop only.
final class ConnectionSession: ClientSession {
    let connectionID: UInt64
    let driver: NodeDriver
    var hub: PubSubHub { driver.pubSub }

    init(connectionID: UInt64, driver: NodeDriver) {
        self.connectionID = connectionID
        self.driver = driver
    }

    // MARK: MULTI / EXEC

    /// The commands queued since MULTI; nil outside a transaction.
    var queued: [[[UInt8]]]? = nil
    /// A command failed to queue (unknown, wrong arity...): EXEC will answer EXECABORT.
    var queueFailed = false

    // MARK: WATCH

    /// Bumped by UNWATCH, EXEC and DISCARD, so a WATCH whose read was still running when
    /// they arrived does not record its keys afterwards.
    var watchGeneration = 0
    var watched: [(key: ByteKey, fingerprint: UInt64)] = []
    /// A WATCH could not read its keys (no leader...): the next EXEC must not run unwatched.
    var watchFailed = false

    func unwatch() {
        watchGeneration += 1
        watched = []
        watchFailed = false
    }

    // MARK: Pub/Sub

    var channels = Set<ByteKey>()
    var patterns = Set<ByteKey>()
    var subscriptionCount: Int { channels.count + patterns.count }

    func connectionClosed() {
        for c in channels { hub.unsubscribe(connectionID, channel: c) }
        for p in patterns { hub.punsubscribe(connectionID, pattern: p) }
        channels = []
        patterns = []
        let (driver, id) = (driver, connectionID)
        driver.loop.execute { driver.cancelBlockedClients(connection: id) }
    }
}
