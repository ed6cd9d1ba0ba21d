import ArgumentParser
import RaftServer

/// The TLS flags, with Redis's names (docs/OPERATIONS.md, "TLS"): a certificate and key make
/// the client port TLS-only and the peer port mutual TLS under the cluster CA.
struct TLSFlags: ParsableArguments {
    @Option(name: .customLong("tls-cert-file"), help: ArgumentHelp("This node's PEM certificate (chain): the client port then speaks TLS only and the peer port mutual TLS. Needs --tls-key-file and --tls-ca-cert-file.", valueName: "FILE"))
    var certificateFile: String?

    @Option(name: .customLong("tls-key-file"), help: ArgumentHelp("The PEM private key of --tls-cert-file.", valueName: "FILE"))
    var keyFile: String?

    @Option(name: .customLong("tls-ca-cert-file"), help: ArgumentHelp("The cluster CA (PEM): peers must present a certificate it signed; so must clients with --tls-auth-clients yes.", valueName: "FILE"))
    var caFile: String?

    @Option(name: .customLong("tls-auth-clients"), help: ArgumentHelp("Clients must present a certificate the CA signed: no (default), yes, or optional (checked when presented).", valueName: "no|yes|optional"))
    var authClients: String?

    func apply(to options: inout RaftServerOptions) throws(NodeOptionError) {
        guard let certificateFile else {
            for (flag, value) in [("--tls-key-file", keyFile), ("--tls-ca-cert-file", caFile), ("--tls-auth-clients", authClients)] where value != nil {
                throw NodeOptionError("\(flag) needs --tls-cert-file (TLS is on only with a certificate)")
            }
            return
        }
        guard let keyFile else { throw NodeOptionError("--tls-cert-file needs --tls-key-file") }
        // Redis also refuses TLS between its own nodes without a CA to check them against.
        guard let caFile else { throw NodeOptionError("--tls-cert-file needs --tls-ca-cert-file: the peer port is mutual TLS and checks peers against that CA") }
        var clients = NodeTLS.ClientCertificates.no
        if let authClients {
            guard let parsed = NodeTLS.ClientCertificates(rawValue: authClients.lowercased()) else {
                throw NodeOptionError("--tls-auth-clients '\(authClients)' must be no, yes or optional")
            }
            clients = parsed
        }
        options.security.tls = try NodeTLS.files(certificate: certificateFile, key: keyFile, ca: caFile, clientCertificates: clients)
    }
}
