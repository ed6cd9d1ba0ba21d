import PeerWire
import RaftCore
import Testing

/// The cluster-secret handshake (docs/peer-protocol.md, "Authentication"), both sides driven
/// by hand: what each sends, and who is admitted.
struct PeerHandshakeTests {
    let secret = Array("correct horse battery staple".utf8)

    func dialer(_ secret: [UInt8], me: NodeID = "2", to peer: NodeID = "1", cluster: String = "raft-node") -> PeerHandshakeState {
        PeerHandshakeState(role: .dialer(expecting: peer), me: me, clusterID: cluster, secret: secret, nonce: PeerHandshakeState.randomNonce())
    }

    func acceptor(_ secret: [UInt8], me: NodeID = "1", cluster: String = "raft-node") -> PeerHandshakeState {
        PeerHandshakeState(role: .acceptor, me: me, clusterID: cluster, secret: secret, nonce: PeerHandshakeState.randomNonce())
    }

    /// Runs the three frames; returns each side's outcome.
    func run(_ d: inout PeerHandshakeState, _ a: inout PeerHandshakeState, cache: inout NonceReplayCache)
        -> (dialer: PeerAuthentication.Outcome, acceptor: PeerAuthentication.Outcome, frames: [Handshake])
    {
        var frames: [Handshake] = []
        guard let challenge = d.start() else { return (.rejected(reason: "no challenge"), .pending, frames) }
        frames.append(challenge)
        let s1 = a.receive(challenge, replayCache: &cache)
        guard let response = s1.send else { return (.pending, s1.outcome, frames) }
        frames.append(response)
        let s2 = d.receive(response, replayCache: &cache)
        guard let proof = s2.send else { return (s2.outcome, s1.outcome, frames) }
        frames.append(proof)
        let s3 = a.receive(proof, replayCache: &cache)
        return (s2.outcome, s3.outcome, frames)
    }

    @Test func nodesWithTheSameSecretAuthenticateEachOtherByID() {
        var d = dialer(secret), a = acceptor(secret)
        var cache = NonceReplayCache()
        let r = run(&d, &a, cache: &cache)
        #expect(r.dialer == .authenticated(peer: "1"))
        #expect(r.acceptor == .authenticated(peer: "2"))
        #expect(r.frames.count == 3)
        #expect(r.frames[0].mac.isEmpty && r.frames[0].nonce.count == PeerAuthentication.nonceSize)
        #expect(r.frames[1].mac.count == 32 && r.frames[2].mac.count == 32)
        // The secret itself never travels.
        for f in r.frames { #expect(!f.nonce.contains(secret) && !f.mac.contains(secret)) }
    }

    @Test func theHandshakeFramesSurviveTheWireCodec() throws {
        var d = dialer(secret), a = acceptor(secret)
        var cache = NonceReplayCache()
        let started = d.start()
        let challenge = try #require(started)
        let decoded = try FrameCodec.decode(FrameCodec.encode(.handshake(challenge)))
        guard case .handshake(let h) = decoded else { Issue.record("not a handshake"); return }
        #expect(h == challenge)
        let step = a.receive(h, replayCache: &cache)
        #expect(step.outcome == .pending)
    }

    @Test func theDialerRefusesAnAcceptorWithAnotherSecret() {
        var d = dialer(secret), a = acceptor(Array("another secret".utf8))
        var cache = NonceReplayCache()
        let r = run(&d, &a, cache: &cache)
        guard case .rejected(let reason) = r.dialer else { Issue.record("dialer admitted a wrong secret: \(r.dialer)"); return }
        #expect(reason.contains("wrong cluster secret"))
        #expect(r.frames.count == 2, "the dialer must not send its proof to an impostor")
    }

    @Test func theAcceptorRefusesADialerWithAnotherSecret() {
        // A dialer that ignores the acceptor's bad MAC and proves with its own (wrong) secret.
        var a = acceptor(secret)
        var cache = NonceReplayCache()
        var impostor = dialer(Array("guess".utf8))
        let challenge = impostor.start()!
        let response = a.receive(challenge, replayCache: &cache).send!
        let forged = Handshake(
            sender: "2", clusterID: "raft-node", nonce: challenge.nonce,
            mac: PeerAuthentication.mac(secret: Array("guess".utf8), role: "dialer", clusterID: "raft-node",
                dialerNonce: challenge.nonce, acceptorNonce: response.nonce, from: Array("2".utf8), to: Array("1".utf8)))
        let outcome = a.receive(forged, replayCache: &cache).outcome
        guard case .rejected(let reason) = outcome else { Issue.record("acceptor admitted a wrong secret"); return }
        #expect(reason.contains("wrong cluster secret"))
    }

    @Test func aReplayedChallengeAndProofAreRefused() {
        var cache = NonceReplayCache()
        var d = dialer(secret), a = acceptor(secret)
        let recorded = run(&d, &a, cache: &cache).frames
        #expect(recorded.count == 3)

        // An eavesdropper replays the recorded challenge: the nonce was seen, refused at once.
        var a2 = acceptor(secret)
        guard case .rejected(let reason) = a2.receive(recorded[0], replayCache: &cache).outcome else {
            Issue.record("replayed nonce admitted"); return
        }
        #expect(reason.contains("replayed"))

        // A replay to an acceptor that never saw the nonce (a restarted node, an evicted cache):
        // it answers with a fresh nonce, so the recorded proof no longer verifies.
        var fresh = NonceReplayCache()
        var a3 = acceptor(secret)
        let answered = a3.receive(recorded[0], replayCache: &fresh)
        #expect(answered.outcome == .pending)
        guard case .rejected(let reason3) = a3.receive(recorded[2], replayCache: &fresh).outcome else {
            Issue.record("replayed proof admitted"); return
        }
        #expect(reason3.contains("wrong cluster secret"))
    }

    @Test func aReflectedMACIsRefused() {
        // The acceptor's own MAC sent back as the dialer's proof must not verify (role labels).
        var cache = NonceReplayCache()
        var d = dialer(secret), a = acceptor(secret)
        let challenge = d.start()!
        let response = a.receive(challenge, replayCache: &cache).send!
        let reflected = Handshake(sender: "2", clusterID: "raft-node", nonce: challenge.nonce, mac: response.mac)
        let step = a.receive(reflected, replayCache: &cache)
        #expect(step.outcome != .authenticated(peer: "2"))
    }

    @Test func aPeerWithoutASecretOrFromAnotherClusterIsRefused() {
        var cache = NonceReplayCache()
        var a = acceptor(secret)
        let legacyHello = Handshake(sender: "9", clusterID: "raft-node")
        guard case .rejected(let reason) = a.receive(legacyHello, replayCache: &cache).outcome else { Issue.record("no-secret peer admitted"); return }
        #expect(reason.contains("no cluster secret"))

        var a2 = acceptor(secret)
        var other = dialer(secret, cluster: "another-cluster")
        guard case .rejected(let r2) = a2.receive(other.start()!, replayCache: &cache).outcome else { Issue.record("foreign cluster admitted"); return }
        #expect(r2.contains("another-cluster"))

        // The dialer side: an acceptor that answers without a nonce has no secret.
        var d = dialer(secret)
        _ = d.start()
        guard case .rejected(let r3) = d.receive(Handshake(sender: "1", clusterID: "raft-node"), replayCache: &cache).outcome else {
            Issue.record("dialer accepted a peer without a secret"); return
        }
        #expect(r3.contains("no cluster secret"))
    }

    @Test func theDialerRefusesANodeOtherThanTheOneItDialed() {
        var cache = NonceReplayCache()
        var d = dialer(secret, to: "1"), a = acceptor(secret, me: "3")
        let response = a.receive(d.start()!, replayCache: &cache).send!
        guard case .rejected(let reason) = d.receive(response, replayCache: &cache).outcome else { Issue.record("wrong node admitted"); return }
        #expect(reason.contains("dialed 1 but 3 answered"))
    }

    @Test func aDialerThatKnowsOnlyTheAddressAdmitsAnyNodeProvingTheSecret() {
        var cache = NonceReplayCache()
        var d = PeerHandshakeState(role: .dialer(expecting: nil), me: "4", clusterID: "raft-node", secret: secret, nonce: PeerHandshakeState.randomNonce())
        var a = acceptor(secret, me: "3")
        let r = run(&d, &a, cache: &cache)
        #expect(r.dialer == .authenticated(peer: "3"))
        #expect(r.acceptor == .authenticated(peer: "4"))
    }

    @Test func theReplayCacheForgetsOnlyTheOldestBeyondItsCapacity() {
        var cache = NonceReplayCache(capacity: 3)
        var results: [Bool] = []
        for n: UInt8 in [0, 1, 2, 0, 3, 0, 3] { results.append(cache.insert([n])) }
        // 0,1,2 new; 0 seen; 3 new (evicts 0); 0 new again (evicts 1); 3 seen.
        #expect(results == [true, true, true, false, true, true, false])
    }
}
