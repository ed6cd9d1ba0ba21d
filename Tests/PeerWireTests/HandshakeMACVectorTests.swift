import PeerWire
import Testing

/// The handshake's MACs for fixed inputs, pinned byte for byte: the values were computed apart
/// from this code (Python's hmac module over the field layout in PeerAuthentication.swift), so a
/// change of HMAC library or of the field encoding that would split a cluster of mixed builds fails here.
struct HandshakeMACVectorTests {
    let secret = Array("correct horse battery staple".utf8)
    let dialerNonce = [UInt8](0..<32)
    let acceptorNonce = [UInt8](32..<64)

    @Test func theAcceptorsMACIsTheVersion1Bytes() {
        let mac = PeerAuthentication.mac(
            secret: secret, role: "acceptor", clusterID: "raft-node", dialerNonce: dialerNonce, acceptorNonce: acceptorNonce,
            from: Array("1".utf8), to: Array("2".utf8))
        #expect(HMACTests.hex(mac) == "729a0e6eaaed809fed0b7d32ee2e3179074f82ad704af67b37af84b0b7e03458")
    }

    @Test func theDialersMACIsTheVersion1Bytes() {
        let mac = PeerAuthentication.mac(
            secret: secret, role: "dialer", clusterID: "raft-node", dialerNonce: dialerNonce, acceptorNonce: acceptorNonce,
            from: Array("2".utf8), to: Array("1".utf8))
        #expect(HMACTests.hex(mac) == "30281d16d68adc1faa4edb835ac5a96dbcba9fbea21afb2b85aa7eb775e46610")
    }
}
