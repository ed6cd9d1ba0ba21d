import NIOSSL

/// TLS on the node's two ports (issue 15, "secure to expose"), BoringSSL through swift-nio-ssl.
///
/// - The client port, when `clientPort` is set, speaks TLS only (as Redis with `port 0` and
///   `tls-port`): one port per node keeps `-a IP:PORT` and the peer port at PORT+1 as they are,
///   and leaves no plain-text door open by accident.
/// - The peer port, when `peerAccepting`/`peerDialing` are set, is mutual TLS: both ends present a
///   certificate and verify the other's against the cluster CA, so only holders of a certificate
///   that CA signed can connect, let alone join. The cluster-secret handshake
///   (`clusterSecret`), if configured, still runs inside the TLS session: the two checks are
///   independent (a leaked certificate alone, or a leaked secret alone, is not enough).
///
/// Embedders set the `TLSConfiguration`s directly; raft-node builds them from PEM files with
/// `files(certificate:key:ca:clientCertificates:)`. The contexts are made at `start()`: a
/// configuration BoringSSL refuses stops the start before anything listens.
public struct NodeTLS: Sendable {
    /// The client port's server side; nil: the client port is plain TCP.
    public var clientPort: TLSConfiguration?
    /// The peer port's accepting side. Must verify the dialer's certificate (mutual TLS).
    public var peerAccepting: TLSConfiguration?
    /// The side that dials peers. Must present a certificate and verify the acceptor's.
    public var peerDialing: TLSConfiguration?

    public init(clientPort: TLSConfiguration? = nil, peerAccepting: TLSConfiguration? = nil, peerDialing: TLSConfiguration? = nil) {
        self.clientPort = clientPort
        self.peerAccepting = peerAccepting
        self.peerDialing = peerDialing
    }

    /// Whether clients must present a certificate the CA signed (Redis's `tls-auth-clients`).
    public enum ClientCertificates: String, Sendable, CaseIterable {
        /// Clients are not asked for one (redis-cli `--tls --cacert ca.pem` connects).
        case no
        /// Clients without one are refused.
        case yes
        /// A client may present one, and if it does it must verify.
        case optional
    }

    /// Both ports from PEM files: this node's certificate (chain) and key, and the cluster CA
    /// that signs every node's certificate (and the clients', when they must present one).
    ///
    /// Peers are checked against the CA only, not against a host name: the CA is the cluster's
    /// membership credential, so give the cluster a CA of its own. Clients verify the node's
    /// certificate as usual (redis-cli checks the host or IP it dialed against its SAN).
    public static func files(
        certificate: String, key: String, ca: String, clientCertificates: ClientCertificates = .no
    ) throws(NodeOptionError) -> NodeTLS {
        let chain = try loadCertificates(certificate, flag: "--tls-cert-file")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw NodeOptionError("--tls-key-file '\(key)': not a readable PEM private key (\(error))")
        }
        let roots = try loadCertificates(ca, flag: "--tls-ca-cert-file")
        let ownChain = chain.map { NIOSSLCertificateSource.certificate($0) }

        var client = TLSConfiguration.makeServerConfiguration(certificateChain: ownChain, privateKey: .privateKey(privateKey))
        client.minimumTLSVersion = .tlsv12
        client.trustRoots = .certificates(roots)
        switch clientCertificates {
        case .no: client.certificateVerification = .none
        case .yes: client.certificateVerification = .noHostnameVerification
        case .optional: client.certificateVerification = .optionalVerification
        }

        // BoringSSL refuses a key that does not belong to the certificate when it makes a
        // context: find out now, with both files named, rather than at start.
        do {
            _ = try NIOSSLContext(configuration: client)
        } catch let error as NIOSSLError where error == .failedToLoadPrivateKey {
            throw NodeOptionError("--tls-key-file '\(key)' is not the private key of --tls-cert-file '\(certificate)'")
        } catch {
            throw NodeOptionError("--tls-cert-file '\(certificate)' with --tls-key-file '\(key)': \(error)")
        }

        var accepting = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: ownChain, privateKey: .privateKey(privateKey), trustRoots: .certificates(roots))
        accepting.minimumTLSVersion = .tlsv12

        var dialing = TLSConfiguration.makeClientConfiguration()
        dialing.minimumTLSVersion = .tlsv12
        dialing.certificateChain = ownChain
        dialing.privateKey = .privateKey(privateKey)
        dialing.trustRoots = .certificates(roots)
        // A peer is any holder of a certificate from the cluster CA, whatever address it was
        // dialed at (a relay, a NAT, a name): see the doc comment above.
        dialing.certificateVerification = .noHostnameVerification

        return NodeTLS(clientPort: client, peerAccepting: accepting, peerDialing: dialing)
    }

    private static func loadCertificates(_ path: String, flag: String) throws(NodeOptionError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw NodeOptionError("\(flag) '\(path)': not a readable PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else { throw NodeOptionError("\(flag) '\(path)' holds no PEM certificate") }
        return certificates
    }

    /// The contexts the ports use, made once at start.
    struct Contexts: Sendable {
        var clientPort: NIOSSLContext?
        var peer: PeerTLSContexts?
    }

    func makeContexts() throws(NodeOptionError) -> Contexts {
        var contexts = Contexts()
        if let clientPort { contexts.clientPort = try Self.context(clientPort, for: "the client port") }
        switch (peerAccepting, peerDialing) {
        case (nil, nil):
            break
        case (let accepting?, let dialing?):
            if case .none(_) = accepting.certificateVerification {
                throw NodeOptionError("TLS on the peer port must verify the dialing peer's certificate (mutual TLS): peerAccepting has certificateVerification .none")
            }
            if dialing.certificateChain.isEmpty || dialing.privateKey == nil {
                throw NodeOptionError("TLS on the peer port is mutual: peerDialing needs a certificate chain and a private key")
            }
            contexts.peer = PeerTLSContexts(
                accepting: try Self.context(accepting, for: "the peer port (accepting)"),
                dialing: try Self.context(dialing, for: "the peer port (dialing)"))
        default:
            throw NodeOptionError("TLS on the peer port needs both peerAccepting and peerDialing (one without the other would split the cluster)")
        }
        return contexts
    }

    private static func context(_ configuration: TLSConfiguration, for what: String) throws(NodeOptionError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw NodeOptionError("TLS for \(what): \(error)")
        }
    }
}

/// The peer port's two TLS contexts: one for connections accepted, one for connections dialed.
struct PeerTLSContexts: Sendable {
    let accepting: NIOSSLContext
    let dialing: NIOSSLContext
}
