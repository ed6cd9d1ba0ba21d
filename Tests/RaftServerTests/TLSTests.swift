import Foundation
import RESP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// TLS on both ports (issue 15, "secure to expose"), with real processes and certificates made
/// by `openssl` at test time: the client port speaks TLS only, the peer port mutual TLS under
/// the cluster CA, and what speaks anything else is closed cleanly and counted.
@Suite(.serialized)
struct TLSTests {
    static let skip: Comment = "needs openssl and python3 (TLSSupport.unavailable says which is missing)"

    /// A 3-node static ensemble from `base` with TLS; node i serves metrics at base + 9 + i.
    /// `rogue`: the nodes whose certificate (and CA) come from another CA.
    func startCluster(_ cluster: NodeProcesses, _ certs: TLSSupport.Certificates, base: Int, rogue: Set<Int> = [], extra: [String] = []) throws {
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...3 {
            try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: [
                "-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble, "--metrics-addr", "127.0.0.1:\(base + 9 + i)",
            ] + NodeProcesses.fastTicks + certs.nodeFlags(rogue: rogue.contains(i)) + extra)
        }
    }

    func startNode(_ cluster: NodeProcesses, _ certs: TLSSupport.Certificates, port: Int, extra: [String] = []) throws {
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1"] + NodeProcesses.fastTicks + certs.nodeFlags() + extra)
        guard TLSSupport.waitForPing(port, certs) else { throw TestClient.Failure(description: "no PONG over TLS\n\(cluster.logs())") }
    }

    /// Sends `bytes` in plain text and reads until the node closes: (closed, what came back).
    func plainText(_ bytes: [UInt8], to port: Int) throws -> (closed: Bool, reply: [UInt8]) {
        let c = try TestClient(port: port, timeoutSeconds: 1)
        try c.sendRaw(bytes)
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(8)
        while Date() < deadline {
            let n = recv(c.fd, &chunk, chunk.count, 0)
            if n == 0 { return (true, got) }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (true, got)  // a reset is a close too
            }
            got += chunk[0..<n]
        }
        return (false, got)
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func aThreeNodeClusterOverMutualTLSWithTheSecretOnTopCommitsWrites() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let secret = cluster.directory.appendingPathComponent("secret").path
        try "correct horse battery staple\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let base = TLSSupport.portBase()
        let ports = [base, base + 2, base + 4]
        try startCluster(cluster, certs, base: base, extra: ["--cluster-secret-file", secret])
        let leader = try TLSSupport.leader(ports, certs)
        let leaderPort = try #require(Int(leader).map { base + 2 * ($0 - 1) }, "leader id '\(leader)'")
        let set = eventually(leaderPort, certs, ["SET", "k", "over mutual TLS"], answers: "OK")
        #expect(set.output.contains("OK"), "\(set.output)\n\(cluster.logs())")
        for port in ports {
            // Every node serves the committed value (a follower's read goes through the leader).
            let get = eventually(port, certs, ["GET", "k"], answers: "over mutual TLS")
            #expect(get.output.contains("over mutual TLS"), "node at \(port): \(get.output)")
        }
        let follower = try #require(ports.first { $0 != leaderPort })
        // A write sent to a follower travels to the leader over the peer link (SET: safe to retry).
        #expect(eventually(follower, certs, ["SET", "f", "forwarded"], answers: "OK").output.contains("OK"))
        #expect(eventually(leaderPort, certs, ["GET", "f"], answers: "forwarded").output.contains("forwarded"))
    }

    /// Runs a command until its reply contains `answers`, for at most `seconds`: on a loaded
    /// machine an election may come between two commands (CLUSTERDOWN, TRYAGAIN meanwhile).
    func eventually(_ port: Int, _ certs: TLSSupport.Certificates, _ words: [String], answers: String, seconds: Double = 15) -> (status: Int32, output: String) {
        let deadline = Date().addingTimeInterval(seconds)
        var r = TLSSupport.resp(port, certs, words)
        while !r.output.contains(answers) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            r = TLSSupport.resp(port, certs, words)
        }
        return r
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func aPeerWithACertificateFromAnotherCAIsRefusedAndCounted() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let base = TLSSupport.portBase()
        try startCluster(cluster, certs, base: base, rogue: [3])
        let leader = try TLSSupport.leader([base, base + 2], certs)
        let leaderPort = try #require(Int(leader).map { base + 2 * ($0 - 1) }, "leader id '\(leader)'")
        #expect(leader != "3")
        #expect(eventually(leaderPort, certs, ["SET", "k", "members only"], answers: "OK").output.contains("OK"))

        // Nodes 1 and 2 refuse node 3's certificate (and node 3 theirs): counted on both members.
        let deadline = Date().addingTimeInterval(10)
        var failures: [Double] = []
        repeat {
            failures = [base + 10, base + 11].map { PeerPortLimitsTests().metric("raft_peer_handshake_failures_total", port: $0) ?? 0 }
            if failures.allSatisfy({ $0 >= 1 }) { break }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        #expect(failures.allSatisfy { $0 >= 1 }, "handshake failures on nodes 1 and 2: \(failures)\n\(cluster.logs())")
        #expect(cluster.logs().contains("TLS handshake failed"), "the refusal is logged with its reason")

        // Node 3 never joined: it knows no leader and has not the members' data.
        let info = TLSSupport.resp(base + 4, certs, ["INFO", "raft"], ca: certs.rogueCA)
        #expect(info.status == 0, "node 3 answers its own clients: \(info.output)")
        #expect(!info.output.contains("leader:\(leader)"), "node 3 follows the members' leader: \(info.output)")
        #expect(!TLSSupport.resp(base + 4, certs, ["GET", "k"], ca: certs.rogueCA, seconds: 15).output.contains("members only"))
        // And a client that trusts only the cluster CA refuses node 3 (its certificate is not the cluster's).
        #expect(TLSSupport.resp(base + 4, certs, ["PING"]).status == 3)
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func aNodeWithAnotherCAsCertificateCannotJoin() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let base = TLSSupport.portBase()
        try startNode(cluster, certs, port: base, extra: ["--metrics-addr", "127.0.0.1:\(base + 10)"])
        // pyraft's join: an -e that lists only the running member, not the joiner itself.
        try cluster.start(id: "2", port: base + 2, arguments: [
            "-a", "127.0.0.1:\(base + 2)", "-i", "2", "-e", "1/127.0.0.1:\(base)",
        ] + NodeProcesses.fastTicks + certs.nodeFlags(rogue: true))
        let deadline = Date().addingTimeInterval(10)
        var failures = 0.0
        while failures < 1 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            failures = PeerPortLimitsTests().metric("raft_peer_handshake_failures_total", port: base + 10) ?? 0
        }
        #expect(failures >= 1, "the member counts the refused joiner\n\(cluster.logs())")
        Thread.sleep(forTimeInterval: 2)  // time a join would need to go through
        let status = eventually(base, certs, ["RAFT.STATUS"], answers: "leader")
        #expect(status.status == 0 && !status.output.contains("127.0.0.1:\(base + 2)"), "node 2 is not a member: \(status.output)")
        let joiner = TLSSupport.resp(base + 2, certs, ["INFO", "raft"], ca: certs.rogueCA)
        #expect(!joiner.output.contains("leader:1"), "node 2 never followed node 1: \(joiner.output)")
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func plainTextOnEitherTLSPortIsClosedCleanlyAndTheNodeGoesOn() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let port = TLSSupport.portBase()
        try startNode(cluster, certs, port: port, extra: ["--metrics-addr", "127.0.0.1:\(port + 10)"])

        let client = try plainText(TestClient.encode(["PING"]), to: port)
        #expect(client.closed, "a plain-text client on the TLS client port is closed")
        #expect(!String(decoding: client.reply, as: UTF8.self).contains("PONG"))
        // A peer's hello in plain text on the mutual-TLS peer port.
        let peer = try plainText(Array("\u{0}\u{0}\u{0}\u{1}\u{0}\u{0}\u{0}\u{10}hello, plain text".utf8), to: port + 1)
        #expect(peer.closed, "a plain-text peer on the mutual-TLS peer port is closed")

        #expect(TLSSupport.resp(port, certs, ["PING"]).output.contains("PONG"), "the node goes on serving TLS\n\(cluster.logs())")
        #expect(cluster.nodes[0].process.isRunning)
        #expect((PeerPortLimitsTests().metric("raft_peer_handshake_failures_total", port: port + 10) ?? 0) >= 1)
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func clientCertificatesWhenRequiredAndAdminRulesUnchangedOverTLS() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let admin = cluster.directory.appendingPathComponent("admin-pass").path
        try "hunter2\n".write(toFile: admin, atomically: true, encoding: .utf8)
        let port = TLSSupport.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1"] + NodeProcesses.fastTicks + certs.nodeFlags()
            + ["--tls-auth-clients", "yes", "--admin-pass-file", admin])
        var ping = (status: Int32(1), output: "")
        for _ in 0..<75 where !ping.output.contains("PONG") {
            ping = TLSSupport.resp(port, certs, ["PING"], cert: certs.clientCert, key: certs.clientKey)
            if !ping.output.contains("PONG") { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(ping.output.contains("PONG"), "with a client certificate from the CA: \(ping.output)\n\(cluster.logs())")
        #expect(TLSSupport.resp(port, certs, ["PING"]).status != 0, "without a client certificate")
        #expect(TLSSupport.resp(port, certs, ["PING"], cert: certs.rogueCert, key: certs.rogueKey).status != 0, "with one from another CA")

        let refused = TLSSupport.resp(port, certs, ["FLUSHALL"], cert: certs.clientCert, key: certs.clientKey)
        #expect(refused.output.hasPrefix("-NOPERM"), "\(refused.output)")
        let allowed = TLSSupport.resp(port, certs, ["AUTH", "admin", "hunter2", ";;", "FLUSHALL"], cert: certs.clientCert, key: certs.clientKey)
        #expect(allowed.output == "OK\nOK\n", "\(allowed.output)")
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil, TLSTests.skip))
    func redisCliConnectsWithTLS() throws {
        let help = RedisPyTests.run(["redis-cli", "--help"], seconds: 10).output
        guard help.contains("--tls") else {
            print("skipped: redis-cli is missing or built without TLS (no --tls in its help)")
            return
        }
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let port = TLSSupport.portBase()
        try startNode(cluster, certs, port: port)
        let cli = ["redis-cli", "--tls", "--cacert", certs.ca, "-h", "127.0.0.1", "-p", "\(port)"]
        #expect(RedisPyTests.run(cli + ["PING"], seconds: 10).output.contains("PONG"))
        #expect(RedisPyTests.run(cli + ["SET", "k", "via redis-cli"], seconds: 10).output.contains("OK"))
        #expect(RedisPyTests.run(cli + ["GET", "k"], seconds: 10).output.contains("via redis-cli"))
        // Without the CA, redis-cli does not trust the node's certificate.
        let untrusted = RedisPyTests.run(["redis-cli", "--tls", "-h", "127.0.0.1", "-p", "\(port)", "PING"], seconds: 10)
        #expect(!untrusted.output.contains("PONG"), "\(untrusted.output)")
    }

    @Test(.enabled(if: TLSSupport.unavailable == nil && RedisPyTests.unavailable == nil, "needs openssl, python3 and redis-py 5+"))
    func redisPyConnectsWithSSL() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let certs = try TLSSupport.makeCertificates(in: cluster.directory)
        let port = TLSSupport.portBase()
        try startNode(cluster, certs, port: port)
        let script = """
            import sys, redis
            r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), ssl=True, ssl_ca_certs=sys.argv[2], socket_timeout=10)
            assert r.ping() is True
            assert r.set("py", "over ssl") is True
            assert r.get("py") == b"over ssl", r.get("py")
            try:
                redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), ssl=True, socket_timeout=10).ping()
                print("FAIL: an untrusted certificate was accepted")
            except redis.exceptions.ConnectionError:
                print("redis-py ok")
            """
        let r = RedisPyTests.run(["python3", "-c", script, "\(port)", certs.ca], seconds: 60)
        #expect(r.status == 0 && r.output.contains("redis-py ok"), "\(r.output)")
    }

    @Test func badTLSFlagsStopTheNodeWithAClearError() throws {
        let port = TLSSupport.portBase()
        let a = ["-a", "127.0.0.1:\(port)", "-i", "1"]
        let cases: [([String], String)] = [
            (["--tls-cert-file", "/x.pem"], "--tls-cert-file needs --tls-key-file"),
            (["--tls-cert-file", "/x.pem", "--tls-key-file", "/x.key"], "--tls-cert-file needs --tls-ca-cert-file"),
            (["--tls-key-file", "/x.key"], "--tls-key-file needs --tls-cert-file"),
            (["--tls-cert-file", "/nonexistent/cert.pem", "--tls-key-file", "/x.key", "--tls-ca-cert-file", "/x.pem"], "--tls-cert-file '/nonexistent/cert.pem'"),
        ]
        for (flags, message) in cases {
            let r = try runNodeExpectingExit(a + flags)
            #expect(r.status != 0 && r.output.contains(message), "\(flags): \(r.output)")
        }
        guard TLSSupport.openssl != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-flags-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let certs = try TLSSupport.makeCertificates(in: dir)
        let keyIsACertificate = try runNodeExpectingExit(a + ["--tls-cert-file", certs.nodeCert, "--tls-key-file", certs.nodeCert, "--tls-ca-cert-file", certs.ca])
        #expect(keyIsACertificate.status != 0 && keyIsACertificate.output.contains("--tls-key-file"), "\(keyIsACertificate.output)")
        let mismatch = try runNodeExpectingExit(a + ["--tls-cert-file", certs.nodeCert, "--tls-key-file", certs.clientKey, "--tls-ca-cert-file", certs.ca])
        #expect(mismatch.status != 0 && mismatch.output.contains("--tls-key-file '\(certs.clientKey)' is not the private key of --tls-cert-file"), "\(mismatch.output)")
        let badChoice = try runNodeExpectingExit(a + certs.nodeFlags() + ["--tls-auth-clients", "maybe"])
        #expect(badChoice.status != 0 && badChoice.output.contains("--tls-auth-clients 'maybe' must be no, yes or optional"), "\(badChoice.output)")
    }
}
