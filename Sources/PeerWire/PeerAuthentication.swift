import RaftCore
// Mutual challenge-response authentication of a peer connection with a shared cluster secret
// (docs/peer-protocol.md, "Authentication"). Pure: no sockets, no clocks; the caller supplies
// random nonces and sends the frames this returns.
//
//   1 dialer   → acceptor  Handshake(sender D, clusterID, nonce Nd, mac ∅)               challenge
//   2 acceptor → dialer    Handshake(sender A, clusterID, nonce Na, mac MACa)            response + challenge
//   3 dialer   → acceptor  Handshake(sender D, clusterID, nonce Nd, mac MACd)            response
//
//   MACa = HMAC-SHA256(secret, "raft-node peer auth v1" | "acceptor" | clusterID | Nd | Na | A | D)
//   MACd = HMAC-SHA256(secret, "raft-node peer auth v1" | "dialer"   | clusterID | Nd | Na | D | A)
//   (each field length-prefixed with a u32, so no two field lists encode alike)
//
// Each side proves knowledge of the secret over the other side's fresh nonce, so a recorded
// MAC is useless on a later connection (replay); the role label keeps a side from reflecting
// the other's MAC back; binding both ids stops a MAC made for one pair being used by another.
// The acceptor also remembers recent dialer nonces and refuses one seen before, so a replayed
// challenge is reported as such instead of as a wrong secret.

public enum PeerAuthentication {
    public static let nonceSize = 32
    static let context = Array("raft-node peer auth v1".utf8)

    public static func mac(secret: [UInt8], role: String, clusterID: String, dialerNonce: [UInt8], acceptorNonce: [UInt8], from: NodeIDBytes, to: NodeIDBytes) -> [UInt8] {
        var m: [UInt8] = []
        for field in [context, Array(role.utf8), Array(clusterID.utf8), dialerNonce, acceptorNonce, from, to] {
            let n = UInt32(field.count)
            m += [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
            m += field
        }
        return HMACSHA256.authenticationCode(key: secret, message: m)
    }

    public typealias NodeIDBytes = [UInt8]

    /// What the connection should do next.
    public enum Outcome: Equatable, Sendable {
        /// Wait for the peer's next handshake frame.
        case pending
        /// The peer proved the secret: it is `peer`. Frames may flow (after `send`, if any).
        case authenticated(peer: NodeID)
        /// Close the connection and log `reason`.
        case rejected(reason: String)
    }

    public struct Step: Equatable, Sendable {
        public var send: Handshake?
        public var outcome: Outcome
    }
}



/// Remembers the dialer nonces an acceptor has seen, the most recent `capacity` of them.
public struct NonceReplayCache: Sendable {
    public let capacity: Int
    private var seen: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var head = 0

    public init(capacity: Int = 4096) { self.capacity = max(1, capacity) }

    /// False if `nonce` was seen before (a replay); otherwise records it.
    public mutating func insert(_ nonce: [UInt8]) -> Bool {
        guard !seen.contains(nonce) else { return false }
        seen.insert(nonce)
        if order.count < capacity {
            order.append(nonce)
        } else {
            seen.remove(order[head])
            order[head] = nonce
            head = (head + 1) % capacity
        }
        return true
    }
}

/// One connection's side of the handshake.
public struct PeerHandshakeState: Sendable {
    public enum Role: Sendable, Equatable {
        /// This side connected to `expecting` (nil: to whichever node answers at that address,
        /// e.g. a joining node dialing any member).
        case dialer(expecting: NodeID?)
        case acceptor
    }

    public let role: Role
    public let me: NodeID
    public let clusterID: String
    private let secret: [UInt8]
    private let myNonce: [UInt8]
    private var phase: Phase = .start

    private enum Phase: Sendable {
        case start
        /// Dialer sent its challenge; acceptor waits for the first frame.
        case awaitingResponse
        /// Acceptor answered `dialer`'s challenge `dialerNonce` and waits for its proof.
        case awaitingProof(dialer: NodeID, dialerNonce: [UInt8])
        case done
    }

    /// `nonce` must be `PeerAuthentication.nonceSize` fresh random bytes (SystemRandomNumberGenerator).
    public init(role: Role, me: NodeID, clusterID: String, secret: [UInt8], nonce: [UInt8]) {
        self.role = role
        self.me = me
        self.clusterID = clusterID
        self.secret = secret
        self.myNonce = nonce
    }

    /// The dialer's opening challenge (nil for the acceptor, which speaks second).
    public mutating func start() -> Handshake? {
        guard case .dialer = role, case .start = phase else {
            if case .acceptor = role, case .start = phase { phase = .awaitingResponse }
            return nil
        }
        phase = .awaitingResponse
        return Handshake(sender: me, clusterID: clusterID, nonce: myNonce, mac: [])
    }

    /// Feeds the peer's handshake frame. `replayCache` is consulted by the acceptor only.
    public mutating func receive(_ h: Handshake, replayCache: inout NonceReplayCache) -> PeerAuthentication.Step {
        func reject(_ reason: String) -> PeerAuthentication.Step {
            phase = .done
            return .init(send: nil, outcome: .rejected(reason: reason))
        }
        guard h.clusterID == clusterID else { return reject("peer \(h.sender) belongs to cluster '\(h.clusterID)', not '\(clusterID)'") }
        switch (role, phase) {
        case (.acceptor, .start), (.acceptor, .awaitingResponse):
            guard !h.nonce.isEmpty else { return reject("peer \(h.sender) sent no challenge: it has no cluster secret") }
            guard h.nonce.count == PeerAuthentication.nonceSize, h.mac.isEmpty else { return reject("peer \(h.sender) sent a malformed challenge") }
            guard h.nonce != myNonce else { return reject("peer \(h.sender) echoed our own nonce") }
            guard replayCache.insert(h.nonce) else { return reject("peer \(h.sender) replayed a challenge nonce seen before") }
            phase = .awaitingProof(dialer: h.sender, dialerNonce: h.nonce)
            let mac = PeerAuthentication.mac(
                secret: secret, role: "acceptor", clusterID: clusterID, dialerNonce: h.nonce, acceptorNonce: myNonce,
                from: Array(me.rawValue.utf8), to: Array(h.sender.rawValue.utf8))
            return .init(send: Handshake(sender: me, clusterID: clusterID, nonce: myNonce, mac: mac), outcome: .pending)

        case (.acceptor, .awaitingProof(let dialer, let dialerNonce)):
            guard h.sender == dialer, h.nonce == dialerNonce else { return reject("peer \(dialer) changed its identity or nonce mid-handshake") }
            let expected = PeerAuthentication.mac(
                secret: secret, role: "dialer", clusterID: clusterID, dialerNonce: dialerNonce, acceptorNonce: myNonce,
                from: Array(dialer.rawValue.utf8), to: Array(me.rawValue.utf8))
            guard constantTimeEquals(h.mac, expected) else { return reject("peer \(dialer) failed authentication: wrong cluster secret") }
            phase = .done
            return .init(send: nil, outcome: .authenticated(peer: dialer))

        case (.dialer(let expecting), .awaitingResponse):
            if let expecting, h.sender != expecting { return reject("dialed \(expecting) but \(h.sender) answered") }
            guard !h.nonce.isEmpty else { return reject("peer \(h.sender) has no cluster secret") }
            guard h.nonce.count == PeerAuthentication.nonceSize, h.nonce != myNonce else { return reject("peer \(h.sender) sent a malformed challenge") }
            let expected = PeerAuthentication.mac(
                secret: secret, role: "acceptor", clusterID: clusterID, dialerNonce: myNonce, acceptorNonce: h.nonce,
                from: Array(h.sender.rawValue.utf8), to: Array(me.rawValue.utf8))
            guard constantTimeEquals(h.mac, expected) else { return reject("peer \(h.sender) failed authentication: wrong cluster secret") }
            phase = .done
            let proof = PeerAuthentication.mac(
                secret: secret, role: "dialer", clusterID: clusterID, dialerNonce: myNonce, acceptorNonce: h.nonce,
                from: Array(me.rawValue.utf8), to: Array(h.sender.rawValue.utf8))
            return .init(send: Handshake(sender: me, clusterID: clusterID, nonce: myNonce, mac: proof), outcome: .authenticated(peer: h.sender))

        default:
            return reject("unexpected handshake frame from \(h.sender)")
        }
    }

    /// Fresh random bytes for a nonce. SystemRandomNumberGenerator reads the kernel's CSPRNG
    /// (getrandom(2) on Linux), as a challenge nonce requires.
    public static func randomNonce() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<PeerAuthentication.nonceSize).map { _ in UInt8.random(in: .min ... .max, using: &g) }
    }
}
