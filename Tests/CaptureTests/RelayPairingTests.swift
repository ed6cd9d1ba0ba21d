// With a relay map, the two legs of a relayed message show as one message with its fate.
import Capture
import Foundation
import PeerWire
import RaftCore
import Testing

private let node1Out = SyntheticCapture.local(50001)   // node 1 dials the relay from here
private let relayFor12 = SyntheticCapture.local(40012) // the relay's listener for link 1->2
private let relayOut = SyntheticCapture.local(50100)   // the relay dials node 2 from here
private let node2 = SyntheticCapture.local(7382)
private let map = RelayMap(links: [.init(from: "1", to: "2", port: 40012), .init(from: "2", to: "1", port: 40021)])

private func heartbeat(commit: UInt64) -> Frame { Wire.appendEntries("1", "2", term: 4, prev: (7, 4), commit: commit) }

@Test func relayedLegsPairIntoOneMessageWithDelaysDropsAndDuplicates() throws {
    var c = SyntheticCapture(step: 1_000_000)  // 1 ms between packets
    c.send([heartbeat(commit: 1)], from: node1Out, to: relayFor12)
    c.send([heartbeat(commit: 1)], from: relayOut, to: node2)             // delivered 1 ms later (after the SYN, 2 ms)
    c.send([heartbeat(commit: 2)], from: node1Out, to: relayFor12)        // dropped
    c.send([heartbeat(commit: 3)], from: node1Out, to: relayFor12)
    c.send([heartbeat(commit: 3)], from: relayOut, to: node2)
    c.send([heartbeat(commit: 3)], from: relayOut, to: node2)             // duplicated
    let d = CaptureDecoder().decode(try PcapFile(bytes: c.writer.bytes))
    #expect(d.messageCount == 6)
    let t = Timeline(d, relay: map)
    #expect(t.messages.count == 3)
    #expect(t.messages.map(\.message.from) == ["1", "1", "1"])
    #expect(t.messages[0].fate == .delivered(delayNanos: 2_000_000))
    #expect(t.messages[1].fate == .dropped)
    #expect(t.messages[2].fate == .duplicated(copies: 2, firstDelayNanos: 1_000_000))
    #expect(TimelineText.render(t, capture: d).contains("DROPPED by relay"))
    // Without the map every leg is a message.
    #expect(Timeline(d).messages.count == 6)
}

@Test func theRelayMapReadsItsOwnFormAndARunManifest() throws {
    let plain = #"{"links": [{"from": "1", "to": "2", "port": 40012}, {"from": "2", "to": "1", "port": 40021}]}"#
    #expect(try RelayMap(json: Data(plain.utf8)) == map)
    let manifest = #"{"seed": 7, "relay": {"links": [{"from": "1", "to": "2", "port": 40012}, {"from": "2", "to": "1", "port": 40021}]}}"#
    #expect(try RelayMap(json: Data(manifest.utf8)) == map)
    let runJSON = #"{"seed": 7, "nodes": [], "relayPorts": [{"from": "1", "to": "2", "port": 40012}, {"from": "2", "to": "1", "port": 40021}]}"#
    #expect(try RelayMap(json: Data(runJSON.utf8)) == map)
    #expect(throws: CaptureError.self) { try RelayMap(json: Data(#"{"links": [{"from": "1", "port": 99999}]}"#.utf8)) }
}
