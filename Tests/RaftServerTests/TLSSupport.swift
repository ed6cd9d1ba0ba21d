import Foundation
import NodeTestSupport

/// What the TLS process tests share: certificates made with the `openssl` command line at test
/// time, a port block of their own, and a TLS RESP client (python/tls_resp.py, standard library).
enum TLSSupport {
    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/tls_resp.py").path

    /// nil when the tests can run, else why not (the tests skip with it).
    static let unavailable: String? = {
        guard openssl != nil else { return "openssl is not installed: cannot make test certificates" }
        let (status, output) = RedisPyTests.run(["python3", "-c", "import ssl"], seconds: 20)
        return status == 0 ? nil : "python3 with its ssl module is not installed: \(output)"
    }()

    /// Ports 17000–17959 (no other suite uses them: NodeProcesses 20000+, chaos 14000–14999):
    /// six windows of ten 16-port blocks, one window per test process.
    static let ports = PortBlocks(window: 17000 + Int(getpid() % 6) * 160, blockSize: 16, blocks: 10)
    static func portBase() -> Int { ports.take() }

    /// A cluster CA, a node certificate for IP 127.0.0.1 and a client certificate it signed, and
    /// a node certificate from another CA that the cluster must refuse. PEM files in `directory`.
    struct Certificates {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        var ca: String { path("ca.pem") }
        var nodeCert: String { path("node.pem") }
        var nodeKey: String { path("node.key") }
        var clientCert: String { path("client.pem") }
        var clientKey: String { path("client.key") }
        var rogueCA: String { path("rogue-ca.pem") }
        var rogueCert: String { path("rogue-node.pem") }
        var rogueKey: String { path("rogue-node.key") }

        /// The flags that give a node TLS with the cluster CA (`rogue`: the other CA's).
        func nodeFlags(rogue: Bool = false) -> [String] {
            rogue
                ? ["--tls-cert-file", rogueCert, "--tls-key-file", rogueKey, "--tls-ca-cert-file", rogueCA]
                : ["--tls-cert-file", nodeCert, "--tls-key-file", nodeKey, "--tls-ca-cert-file", ca]
        }
    }

    static func makeCertificates(in directory: URL) throws -> Certificates {
        let c = Certificates(directory: directory)
        let ext = c.path("leaf.ext")
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func openssl(_ args: [String]) throws {
            let r = RedisPyTests.run([TLSSupport.openssl!] + args, seconds: 30)
            guard r.status == 0 else { throw TestClient.Failure(description: "openssl \(args.joined(separator: " ")) failed: \(r.output)") }
        }
        for (ca, name) in [("ca", "cluster CA"), ("rogue-ca", "another CA")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", c.path("\(ca).key"), "-out", c.path("\(ca).pem"), "-days", "2", "-subj", "/CN=\(name)"])
        }
        for (leaf, ca) in [("node", "ca"), ("client", "ca"), ("rogue-node", "rogue-ca")] {
            try openssl(["req"] + ec + ["-keyout", c.path("\(leaf).key"), "-out", c.path("\(leaf).csr"), "-subj", "/CN=\(leaf)"])
            try openssl([
                "x509", "-req", "-in", c.path("\(leaf).csr"), "-CA", c.path("\(ca).pem"), "-CAkey", c.path("\(ca).key"),
                "-CAcreateserial", "-out", c.path("\(leaf).pem"), "-days", "2", "-extfile", ext,
            ])
        }
        return c
    }

    /// Runs python/tls_resp.py; (status, output). 3: TLS refused, 4: no connection.
    static func resp(_ port: Int, _ certs: Certificates, _ words: [String], ca: String? = nil, cert: String? = nil, key: String? = nil, seconds: Double = 20)
        -> (status: Int32, output: String)
    {
        var args = ["python3", client, "\(port)", "--ca", ca ?? certs.ca]
        if let cert, let key { args += ["--cert", cert, "--key", key] }
        return RedisPyTests.run(args + ["call"] + words, seconds: seconds)
    }

    /// The leader's id once every port agrees on it, over TLS.
    static func leader(_ ports: [Int], _ certs: Certificates, seconds: Double = 20) throws -> String {
        let r = RedisPyTests.run(
            ["python3", client, ports.map(String.init).joined(separator: ","), "--ca", certs.ca, "--seconds", "\(Int(seconds))", "leader"],
            seconds: seconds + 10)
        guard r.status == 0 else { throw TestClient.Failure(description: "no leader over TLS: \(r.output)") }
        return r.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls until `port` answers PING over TLS (the node has started).
    static func waitForPing(_ port: Int, _ certs: Certificates, seconds: Double = 15) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if resp(port, certs, ["PING"], seconds: 10).output.contains("PONG") { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }
}
