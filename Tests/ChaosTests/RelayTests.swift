import Foundation
import PeerWire
import Testing
@testable import Chaos

/// The relay between a fake node a and a fake node b (no real nodes): whole PeerWire frames in,
/// whole frames out, with faults per directed link and per message type.
@Suite(.serialized) struct RelayTests {
    let ab = DirectedLink(from: "a", to: "b")

    /// A relay whose link a->b leads to a fresh fake b; a is not listening (nothing dials it).
    func relayToFakeB() throws -> (Relay, FakePeer) {
        let b = try FakePeer()
        let relay = Relay(targetPeerPorts: ["a": 1, "b": b.port], seed: 7)
        try relay.start()
        return (relay, b)
    }

    @Test func healthyLinkDeliversEveryFrameWholeAndInOrder() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send([Frames.hello("a")] + (1...50).map { Frames.append($0) }))
        let got = b.frames(count: 51)
        #expect(got.count == 51)
        #expect(got.compactMap { Frames.index($0.frame) } == Array(1...50))
        #expect(relay.counters(on: ab).forwarded == 51)
        #expect(relay.counters(on: ab).byType["append"] == 50)
    }

    @Test func dropsOnlyTheChosenMessageTypeOnTheChosenDirection() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        // Drop every append-response from b to a; appends from a to b untouched.
        relay.setFaults(LinkFaults(drop: 1, types: [.appendResponse]), on: ab.reversed)
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send([Frames.hello("a")] + (1...20).map { Frames.append($0) }))
        #expect(b.frames(count: 21).count == 21)
        // b answers on the same connection: responses are dropped, an append from b is not.
        #expect(b.send((1...10).map { Frames.appendResponse($0) } + [Frames.append(99, from: "b", to: "a")]))
        let back = a.replies.wait(for: 1)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(back.count == 1)
        #expect(a.replies.received.allSatisfy { !Frames.isAppendResponse($0.frame) })
        #expect(relay.counters(on: ab.reversed).dropped == 10)
        #expect(relay.counters(on: ab).dropped == 0)
    }

    @Test func duplicatesWholeFrames() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        relay.setFaults(LinkFaults(duplicate: 1, types: [.append]), on: ab)
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send([Frames.hello("a")] + (1...10).map { Frames.append($0) }))
        let got = b.frames(count: 21)
        #expect(got.count == 21)
        #expect(got.compactMap { Frames.index($0.frame) } == (1...10).flatMap { [UInt64($0), UInt64($0)] })
        #expect(relay.counters(on: ab).duplicated == 10)
    }

    @Test func delaysByTheGivenTimeAndKeepsOrderWithoutReordering() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send([Frames.hello("a")]))
        #expect(b.frames(count: 1).count == 1)
        relay.setFaults(LinkFaults(delayMs: 200, jitterMs: 50), on: ab)
        let sent = MonotonicClock.now()
        #expect(a.send((1...10).map { Frames.append($0) }))
        let got = b.frames(count: 11)
        #expect(got.count == 11)
        #expect(got.dropFirst().allSatisfy { $0.at - sent >= 195_000_000 })
        #expect(got.compactMap { Frames.index($0.frame) } == Array(1...10))
        #expect(relay.counters(on: ab).delayed == 10)
    }

    @Test func reorderingLetsLaterFramesOvertake() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        relay.setFaults(LinkFaults(reorder: 0.5), on: ab)
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send((1...100).map { Frames.append($0) }))
        let order = b.frames(count: 100).compactMap { Frames.index($0.frame) }
        #expect(order.count == 100)
        #expect(order.sorted() == Array(1...100))
        #expect(order != Array(1...100))
    }

    @Test func blackholeDiscardsUntilHealedAndTheConnectionCarriesOn() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send([Frames.hello("a")]))
        #expect(b.frames(count: 1).count == 1)
        relay.setFaults(LinkFaults(blackhole: .discard), on: ab)
        #expect(a.send((1...5).map { Frames.append($0) }))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(b.frames(count: 1).count == 1)
        relay.healAll()
        #expect(a.send((6...8).map { Frames.append($0) }))
        #expect(b.frames(count: 4).compactMap { Frames.index($0.frame) } == [6, 7, 8])
        #expect(b.frames(count: 4).allSatisfy { (try? FrameCodec.decode(FrameCodec.encode($0.frame))) != nil })
    }

    @Test func holdStallsThenReleasesEverythingInOrder() throws {
        let (relay, b) = try relayToFakeB()
        defer { relay.stop() }
        relay.setFaults(LinkFaults(hold: true), on: ab)
        let a = try FakeDialer(port: try #require(relay.port(for: ab)))
        #expect(a.send((1...10).map { Frames.append($0) }))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(b.frames(count: 1, seconds: 0.2).isEmpty)
        relay.setFaults(.healthy, on: ab)
        #expect(b.frames(count: 10).compactMap { Frames.index($0.frame) } == Array(1...10))
    }

    @Test func refusingALinkClosesItsConnections() throws {
        let (relay, _) = try relayToFakeB()
        defer { relay.stop() }
        let port = try #require(relay.port(for: ab))
        relay.setFaults(LinkFaults(blackhole: .refuse), on: ab)
        let fd = try Sockets.connect(port: port)
        defer { close(fd) }
        Sockets.setReadTimeout(fd, milliseconds: 2000)
        #expect(Sockets.read(fd) == nil)
        #expect(relay.counters(on: ab).refused == 1)
    }

    @Test func bytesThatAreNotPeerWirePassThroughUntouched() throws {
        var splitter = FrameSplitter()
        let frame = FrameCodec.encode(Frames.append(1))
        let garbage: [UInt8] = Array("not a frame at all".utf8)
        let pieces = splitter.feed(frame + garbage) + splitter.feed([1, 2, 3])
        #expect(pieces.map(\.type) == [.append, .unframed, .unframed])
        #expect(pieces.flatMap(\.bytes) == frame + garbage + [1, 2, 3])
    }

    @Test func splitterNeverCutsAFrameFedByteByByte() throws {
        var splitter = FrameSplitter()
        let bytes = (1...5).flatMap { FrameCodec.encode(Frames.append(UInt64($0))) }
        var pieces: [FrameSplitter.Piece] = []
        for byte in bytes { pieces += splitter.feed([byte]) }
        #expect(pieces.count == 5)
        #expect(pieces.allSatisfy { $0.type == .append })
        #expect(pieces.flatMap(\.bytes) == bytes)
    }
}
