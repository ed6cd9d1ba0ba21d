import struct RaftCore.SplitMix64
import Foundation
import RESP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real raft-node process attacked on its client and peer ports by the clients issue 3 lists:
/// oversized bulk strings and arrays, too-deep nesting, garbage bytes, half-closed connections,
/// thousands of idle connections, a client that never reads its replies, a half request left
/// hanging, and garbage on the peer port. After every attack the node must still be alive and
/// answer PING and a SET/GET on a fresh connection.
@Suite(.serialized)
struct HostileClientTests {
    // MARK: oversized and malformed requests

    @Test func anOversizedBulkStringGetsInvalidBulkLengthAndTheConnectionCloses() throws {
        let node = try HostileNode()
        defer { node.stop() }
        // The node's bulk limit is 32 MiB (Redis's 512 MiB does not fit a peer frame); one byte
        // more is refused from the header alone, before any payload is buffered.
        let headers = [
            "*2\r\n$3\r\nGET\r\n$\(32 * 1024 * 1024 + 1)\r\n",
            "*2\r\n$3\r\nGET\r\n$\(512 * 1024 * 1024 + 1)\r\n",
            "*2\r\n$3\r\nGET\r\n$99999999999999999999999\r\n",
            "*2\r\n$3\r\nGET\r\n$-5\r\n",
        ]
        for header in headers {
            let (replies, end) = try node.exchange(Array(header.utf8))
            #expect(replies == [.error("ERR Protocol error: invalid bulk length")], "\(header.debugDescription)")
            #expect(end == .closed, "\(header.debugDescription): \(end)")
        }
        // A `$` header line longer than the inline limit (64 KiB) never ends: refused too.
        let (replies, end) = try node.exchange(Array("*1\r\n$".utf8) + Array(repeating: UInt8(ascii: "9"), count: 70_000))
        #expect(replies == [.error("ERR Protocol error: too big bulk count string")])
        #expect(end == .closed)
        try node.expectHealthy()
    }

    @Test func anOversizedArrayGetsInvalidMultibulkLengthAndTheConnectionCloses() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let (replies, end) = try node.exchange(Array("*\(1024 * 1024 + 1)\r\n".utf8))
        #expect(replies == [.error("ERR Protocol error: invalid multibulk length")])
        #expect(end == .closed)
        let (replies2, end2) = try node.exchange(Array("*".utf8) + Array(repeating: UInt8(ascii: "7"), count: 70_000))
        #expect(replies2 == [.error("ERR Protocol error: too big mbulk count string")])
        #expect(end2 == .closed)
        // An inline line longer than 64 KiB with no newline.
        let (replies3, end3) = try node.exchange(Array(repeating: UInt8(ascii: "a"), count: 70_000))
        #expect(replies3 == [.error("ERR Protocol error: too big inline request")])
        #expect(end3 == .closed)
        try node.expectHealthy()
    }

    @Test func deeplyNestedArraysAreRefusedAtTheFirstNestedHeader() throws {
        let node = try HostileNode()
        defer { node.stop() }
        // Requests are flat arrays of bulk strings: a nested array is refused at its first
        // byte, so depth costs the node nothing however deep the client goes.
        let nested = Array(String(repeating: "*1\r\n", count: 100_000).utf8)
        let (replies, end) = try node.exchange(nested)
        #expect(replies == [.error("ERR Protocol error: expected '$', got '*'")])
        // The rest of the 400 KB arrives after the node decided to close: it closes its
        // sending side first and drains, so the client sees the error and a clean end, not
        // a reset that could destroy the error reply.
        #expect(end == .closed)
        // Replies owed before the bad request still come first.
        let (replies2, end2) = try node.exchange(TestClient.encode(["PING"]) + Array("*2\r\n*1\r\n".utf8))
        #expect(replies2 == [.simpleString("PONG"), .error("ERR Protocol error: expected '$', got '*'")])
        #expect(end2 == .closed)
        try node.expectHealthy()
    }

    @Test func seededRandomGarbageNeverCrashesTheNode() throws {
        let node = try HostileNode()
        defer { node.stop() }
        var rng = SeededBytes(seed: 0x5EED_0003)
        var closedByNode = 0
        for round in 0..<60 {
            var garbage = rng.bytes(count: 1 + Int(rng.next() % 4096))
            // Every third round starts like RESP, to reach the parser's deeper states.
            if round % 3 == 0 { garbage = Array("*3\r\n$3\r\nSET\r\n".utf8) + garbage }
            let (replies, end) = try node.exchange(garbage, halfClose: true, timeoutSeconds: 3)
            // Whatever was sent, the node answers with well-formed RESP (the reader parsed
            // it) and then closes: after a protocol error, or after EOF on a half-close.
            #expect(end == .closed, "round \(round) (seed 0x5EED0003): \(end), \(replies.count) replies")
            if replies.last?.isError == true { closedByNode += 1 }
        }
        #expect(closedByNode > 0)
        try node.expectHealthy()
    }

    // MARK: connection behaviour

    @Test func aHalfClosedClientStillGetsEveryReply() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let c = try TestClient(port: node.port)
        var pipeline: [UInt8] = []
        for i in 0..<100 {
            pipeline += TestClient.encode(["SET", "half:\(i)", "v\(i)"])
            pipeline += TestClient.encode(["GET", "half:\(i)"])
        }
        try c.sendRaw(pipeline)
        shutdown(c.fd, Int32(SHUT_WR))
        let (replies, end) = HostileNode.drain(c)
        #expect(replies.count == 200)
        #expect(replies.enumerated().allSatisfy { i, r in i % 2 == 0 ? r.text == "OK" : r.text == "v\(i / 2)" })
        #expect(end == .closed)
        try node.expectHealthy()
    }

    @Test func aHalfRequestLeftHangingCostsOnlyItsBytesAndCanStillComplete() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let before = node.rssKiB()
        // Fifty clients announce 30 MB arguments (under the 32 MiB limit), send 1 KiB of them
        // and go silent.
        var silent: [TestClient] = []
        for _ in 0..<50 {
            let c = try TestClient(port: node.port)
            try c.sendRaw(Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$30000000\r\n".utf8) + Array(repeating: 0x61, count: 1024))
            silent.append(c)
        }
        try node.expectHealthy()
        // Still waiting for the rest, not refused: nothing to read and not closed.
        #expect(silent.allSatisfy { HostileNode.isOpenWithNothingToRead($0) })
        let after = node.rssKiB()
        HostileFigures.record("half requests: RSS \(before) KiB → \(after) KiB with 50 clients each mid-way through a 30 MB argument")
        #expect(after - before < 64 * 1024, "RSS grew \(after - before) KiB")
        // A client that pauses mid-request and then finishes is answered normally.
        let slow = try TestClient(port: node.port)
        let request = TestClient.encode(["SET", "slow", "finished"])
        try slow.sendRaw(Array(request[0..<17]))
        Thread.sleep(forTimeInterval: 0.3)
        try slow.sendRaw(Array(request[17...]))
        #expect(try slow.readReply()?.text == "OK")
        #expect(try slow.call("GET", "slow").text == "finished")
        silent.removeAll()
        try node.expectHealthy()
    }

    @Test func twoThousandIdleConnectionsLeaveTheNodeResponsiveWithBoundedMemory() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let before = node.rssKiB()
        var idle: [TestClient] = []
        idle.reserveCapacity(2000)
        for _ in 0..<2000 { idle.append(try TestClient(port: node.port)) }
        try node.expectHealthy()
        // Every idle connection is really accepted: the last one still answers.
        #expect(try idle[1999].call("PING").text == "PONG")
        let info = try TestClient(port: node.port).call("INFO", "clients").text ?? ""
        let connected = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") }
        #expect((connected.flatMap { Int($0.dropFirst("connected_clients:".count)) } ?? 0) >= 2000, "\(info)")
        let after = node.rssKiB()
        HostileFigures.record("2000 idle connections: RSS \(before) KiB → \(after) KiB (\((after - before) * 1024 / 2000) bytes each)")
        #expect(after - before < 200 * 1024, "RSS grew \(after - before) KiB")
        idle.removeAll()
        try node.expectHealthy()
    }

    @Test func connectionsBeyondTheDescriptorBudgetGetMaxClientsAndTheNodeCarriesOn() throws {
        // Under a 300-descriptor limit the node admits 300 - 128 clients (the rest are kept for
        // peers, log and snapshots) and answers the next one with Redis's error.
        let port = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let node = "'\(NodeProcesses.binary.path)' -a 127.0.0.1:\(port) --tick-ms 50 --fsync never"
        try cluster.start(id: "1", port: port, arguments: ["-c", "ulimit -n 300 && exec \(node)"], binary: URL(fileURLWithPath: "/bin/sh"))
        try cluster.waitForPort(port)
        var clients: [TestClient] = []
        var admitted = 0
        var refused = 0
        for _ in 0..<220 {
            let c = try TestClient(port: port, timeoutSeconds: 3)
            try? c.sendRaw(TestClient.encode(["PING"]))
            let (reply, _) = HostileNode.firstReply(c)
            if reply?.text == "PONG" {
                admitted += 1
                clients.append(c)
            } else if reply == .error("ERR max number of clients reached") {
                refused += 1
            } else {
                Issue.record("unexpected reply \(String(describing: reply))")
            }
        }
        HostileFigures.record("ulimit -n 300: \(admitted) clients admitted, \(refused) refused")
        #expect(admitted == 172)
        #expect(refused == 220 - 172)
        // A freed slot is reused.
        clients.removeFirst(10)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try TestClient(port: port).call("SET", "slot", "reused").text == "OK")
        #expect(cluster.logs().contains("max number of clients reached"))
        clients.removeAll()
        Thread.sleep(forTimeInterval: 0.2)
        let c = try TestClient(port: port)
        #expect(try c.call("GET", "slot").text == "reused")
        #expect(cluster.nodes[0].process.isRunning)
    }

    @Test func aClientThatNeverReadsIsBoundedAndOthersStayServed() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let setup = try TestClient(port: node.port)
        let value = String(repeating: "x", count: 64 * 1024)
        #expect(try setup.call("SET", "big", value).text == "OK")
        let before = node.rssKiB()
        // Pipelines GETs of a 64 KiB value for up to 3 s and never reads a reply.
        let hog = try TestClient(port: node.port)
        let burst = Array((0..<500).map { _ in TestClient.encode(["GET", "big"]) }.joined())
        var sent = 0
        var peak = before
        var otherClientAnswered = 0
        var slowestAnswer = 0.0
        var hogEnd = "still open"
        let deadline = Date().addingTimeInterval(3)
        var offset = 0
        while Date() < deadline {
            let n = burst[offset...].withUnsafeBytes { Glibc.send(hog.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                offset = (offset + n) % burst.count
                continue
            }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                hogEnd = "closed by the node after \(sent) bytes of requests (errno \(errno))"
                break
            }
            // The node stopped reading the hog (or the socket buffers are full): meanwhile
            // another client is served.
            let asked = Date()
            let other = try TestClient(port: node.port, timeoutSeconds: 2)
            if try other.call("PING").text == "PONG" { otherClientAnswered += 1 }
            slowestAnswer = max(slowestAnswer, Date().timeIntervalSince(asked))
            peak = max(peak, node.rssKiB())
            Thread.sleep(forTimeInterval: 0.05)
        }
        peak = max(peak, node.peakRSSKiB())
        HostileFigures.record(
            "non-reading client: queued \(sent / 1024) KiB of requests (\(sent / 22) GETs of a 64 KiB value) before the socket buffers filled; RSS \(before) KiB → peak \(peak) KiB; hog \(hogEnd); other client answered \(otherClientAnswered) times, slowest connect+PING \(Int(slowestAnswer * 1000)) ms")
        #expect(otherClientAnswered > 0)
        // The node holds the hog's requests once its unsent replies pass 1 MiB, with at most
        // 256 in flight (16 MiB of these replies), well below the 64 MiB close-the-client cap.
        #expect(peak - before < 40 * 1024, "RSS grew \(peak - before) KiB")
        try node.expectHealthy()
    }

    @Test func aClientPipeliningMoreRepliesThanTheCapStillGetsThemAllWhenItReads() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let c = try TestClient(port: node.port)
        #expect(try c.call("SET", "big", String(repeating: "y", count: 16 * 1024)).text == "OK")
        // 20,000 GETs of 16 KiB in one write: 320 MB of replies, five times the 64 MiB cap on
        // unsent replies, and one read of the node holds thousands of them. They run as the
        // client reads, so none is refused; then the client half-closes and the last held
        // requests must still be answered.
        try c.sendRaw(Array((0..<20_000).map { _ in TestClient.encode(["GET", "big"]) }.joined()))
        shutdown(c.fd, Int32(SHUT_WR))
        let (replies, end) = HostileNode.drain(c)
        #expect(replies.count == 20_000)
        #expect(replies.allSatisfy { $0.text?.utf8.count == 16 * 1024 })
        #expect(end == .closed)
        HostileFigures.record("20000 pipelined GETs of 16 KiB, read as they come: peak RSS \(node.peakRSSKiB()) KiB")
        try node.expectHealthy()
    }

    @Test func quitAtTheEndOfALongPipelineComesAfterEveryReplyAndEndsCleanly() throws {
        let node = try HostileNode()
        defer { node.stop() }
        let c = try TestClient(port: node.port)
        #expect(try c.call("SET", "big", String(repeating: "q", count: 16 * 1024)).text == "OK")
        let gets = Array((0..<2000).map { _ in TestClient.encode(["GET", "big"]) }.joined())
        // Requests after QUIT are never answered; its OK is not lost to a reset.
        try c.sendRaw(gets + TestClient.encode(["QUIT"]) + TestClient.encode(["PING"]))
        let (replies, end) = HostileNode.drain(c)
        #expect(replies.count == 2001)
        #expect(replies.dropLast().allSatisfy { $0.text?.utf8.count == 16 * 1024 })
        #expect(replies.last?.text == "OK")
        #expect(end == .closed)
        try node.expectHealthy()
    }

    // MARK: peer port

    @Test func garbageOnThePeerPortIsDisconnectedAndLogged() throws {
        let node = try HostileNode()
        defer { node.stop() }
        var rng = SeededBytes(seed: 0x9EE2)
        for round in 0..<20 {
            let c = try TestClient(port: node.port + 1, timeoutSeconds: 3)
            try c.sendRaw(rng.bytes(count: 8 + Int(rng.next() % 2048)))
            let (_, end) = HostileNode.drain(c)
            #expect(end == .closed || end == .reset, "round \(round): \(end)")
        }
        #expect(node.cluster.logs().contains("disconnecting"), "\(node.cluster.logs())")
        try node.expectHealthy()
    }

    @Test func aRequestTooBigToReplicateIsRefusedAndTheLeaderStays() throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: base)
        let leader = try cluster.waitForLeader()
        let termBefore = try HostileNode.raftField("term", port: leader.port)
        let follower = try #require(cluster.nodes.first { $0.id != leader.id })
        // 40 MB is under Redis's 512 MB but over a peer frame's 64 MiB once replicated with
        // others, and over the node's 32 MiB per request: refused from the header alone, on the
        // leader and on a follower (which would have forwarded it).
        for port in [leader.port, follower.port] {
            let c = try TestClient(port: port)
            try c.sendRaw(Array("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$40000000\r\n".utf8))
            let (replies, end) = HostileNode.drain(c)
            #expect(replies == [.error("ERR Protocol error: invalid bulk length")])
            #expect(end == .closed)
        }
        // Refusing from the header disturbs nothing.
        #expect(try cluster.waitForLeader().id == leader.id)
        #expect(try HostileNode.raftField("term", port: leader.port) == termBefore)
        // A large value within the limit replicates. (Leadership is not asserted here: on a
        // loaded CI machine a debug build moving 4 MiB to two followers may miss a heartbeat,
        // and a client retries TRYAGAIN as it would for any election: at load 30 four tries in a
        // row were seen to meet an election, so the retries are bounded by time, not by three.)
        // 1 MiB: at load 40 a debug build lost its leader on every one of ten 4 MiB tries.
        let value = String(repeating: "w", count: 1024 * 1024)
        var reply = try TestClient(port: follower.port).call("SET", "large", value)
        let deadline = Date().addingTimeInterval(30)
        for _ in 0..<10 where Date() < deadline {
            guard case .error(let e) = reply, e.hasPrefix("TRYAGAIN") || e.hasPrefix("CLUSTERDOWN") else { break }
            _ = try cluster.waitForLeader()
            reply = try TestClient(port: follower.port).call("SET", "large", value)
        }
        // A debug build at load 30 was seen to lose the leader on every try (moving 4 MiB takes it
        // past an election timeout; a release build takes 0.2-0.4 s and keeps its leader), each
        // answered "outcome unknown" while the write was in fact applied: the value must be there.
        var outcomeUnknown = false
        if case .error(let e) = reply, e.contains("outcome unknown") { outcomeUnknown = true }
        #expect(reply.text == "OK" || outcomeUnknown, "\(reply)")
        let now = try cluster.waitForLeader()
        #expect(try TestClient(port: now.port).call("STRLEN", "large") == .integer(1024 * 1024))
        #expect(cluster.nodes.allSatisfy { $0.process.isRunning })
    }

    @Test func garbageOnAFollowersPeerPortDoesNotDisturbTheLeader() throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: base)
        let leader = try cluster.waitForLeader()
        let termBefore = try HostileNode.raftField("term", port: leader.port)
        let follower = try #require(cluster.nodes.first { $0.id != leader.id })
        var rng = SeededBytes(seed: 0xF011)
        for _ in 0..<20 {
            let c = try TestClient(port: follower.port + 1, timeoutSeconds: 3)
            try c.sendRaw(rng.bytes(count: 8 + Int(rng.next() % 2048)))
            _ = HostileNode.drain(c)
        }
        let c = try TestClient(port: follower.port)
        #expect(try c.call("SET", "after-garbage", "yes").text == "OK")  // forwarded to the leader
        #expect(try c.call("GET", "after-garbage").text == "yes")
        #expect(try cluster.waitForLeader().id == leader.id)
        #expect(try HostileNode.raftField("term", port: leader.port) == termBefore)
        #expect(cluster.nodes.allSatisfy { $0.process.isRunning })
    }
}

/// One single-node raft-node process under attack, with the checks every test ends with.
final class HostileNode {
    let cluster = NodeProcesses()
    let port: Int

    init() throws {
        port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--tick-ms", "50", "--fsync", "never"])
        try cluster.waitForPort(port)
    }

    func stop() { cluster.stopAll() }

    var pid: Int32 { cluster.nodes[0].process.processIdentifier }

    /// Resident memory of the node process, from /proc/PID/status.
    func rssKiB() -> Int { statusField("VmRSS") }

    /// The highest resident memory the node process ever had (catches short spikes).
    func peakRSSKiB() -> Int { statusField("VmHWM") }

    private func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("\(name):") })
        else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// The node is alive and serves a fresh connection.
    func expectHealthy(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(cluster.nodes[0].process.isRunning, "the node died\n\(cluster.logs())", sourceLocation: sourceLocation)
        let c = try TestClient(port: port, timeoutSeconds: 5)
        #expect(try c.call("PING").text == "PONG", sourceLocation: sourceLocation)
        let key = "health:\(UInt32.random(in: 0...UInt32.max))"
        #expect(try c.call("SET", key, "ok").text == "OK", sourceLocation: sourceLocation)
        #expect(try c.call("GET", key).text == "ok", sourceLocation: sourceLocation)
    }

    enum End: Equatable, CustomStringConvertible {
        case closed, reset, timeout
        case unparsable(String)
        var description: String {
            switch self {
            case .closed: "closed"
            case .reset: "reset"
            case .timeout: "timeout"
            case .unparsable(let why): "unparsable reply: \(why)"
            }
        }
    }

    /// Sends `bytes` on a fresh connection, then reads replies until the connection ends.
    func exchange(_ bytes: [UInt8], halfClose: Bool = false, timeoutSeconds: Int = 5) throws -> ([RESPValue], End) {
        let c = try TestClient(port: port, timeoutSeconds: timeoutSeconds)
        // The node may close before everything is sent (it refuses at the first bad header).
        try? c.sendRaw(bytes)
        if halfClose { shutdown(c.fd, Int32(SHUT_WR)) }
        return Self.drain(c)
    }

    /// Reads replies until EOF, a reset, the receive timeout, or bytes that are not RESP.
    static func drain(_ c: TestClient, maxReplies: Int = 100_000) -> ([RESPValue], End) {
        var replies: [RESPValue] = []
        while replies.count < maxReplies {
            if !c.buffer.isEmpty {
                do {
                    if let (value, consumed) = try c.buffer.withUnsafeBytes({ try c.parser.parse($0) }) {
                        c.buffer.removeFirst(consumed)
                        replies.append(value)
                        continue
                    }
                } catch {
                    return (replies, .unparsable("\(error)"))
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (replies, c.buffer.isEmpty ? .closed : .unparsable("trailing bytes")) }
            if n < 0 { return (replies, errno == ECONNRESET ? .reset : .timeout) }
            c.buffer += chunk[0..<n]
        }
        return (replies, .timeout)
    }

    static func isOpenWithNothingToRead(_ c: TestClient) -> Bool {
        var byte: UInt8 = 0
        let n = recv(c.fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// The first reply on a connection, or how it ended without one.
    static func firstReply(_ c: TestClient) -> (RESPValue?, End) {
        let (replies, end) = drain(c, maxReplies: 1)
        return (replies.first, end)
    }

    static func raftField(_ name: String, port: Int) throws -> String {
        let info = try TestClient(port: port).call("INFO", "raft").text ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("\(name):") }
        return line.map { String($0.dropFirst(name.count + 1)) } ?? ""
    }
}

/// SplitMix64 bytes: the same seed gives the same garbage, so a failure replays.
struct SeededBytes {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// Figures the hostile-client tests measured, printed to stderr for the report
/// (`swift test --filter HostileClientTests 2>&1 | grep hostile-figure`).
enum HostileFigures {
    static func record(_ line: String) {
        FileHandle.standardError.write(Data("hostile-figure: \(line)\n".utf8))
    }
}
