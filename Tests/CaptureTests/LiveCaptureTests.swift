// Live capture on loopback: frames sent between two sockets of this test come back out of the
// pcap file exactly, and the stats count what was written. Needs the capture privilege (root
// here); skips with a message without it.
@testable import Capture
import Foundation
import PeerWire
import RaftCore
import Testing

private let canCapture = getuid() == 0

@Test(.enabled(if: canCapture, "not root: live capture needs CAP_NET_RAW, so LiveCapture is not checked"))
func framesSentOnLoopbackComeBackOutOfTheCaptureFile() throws {
    let (listener, port) = try PeerSocket.listen(port: 0)
    defer { listener.close() }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("live-capture-\(getpid())-\(UUID().uuidString).pcap").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let capture = try LiveCapture(interface: "lo", ports: [port], outputPath: path)
    Thread.sleep(forTimeInterval: 0.3)

    var frames: [Frame] = [Wire.hello("1")]
    for i in UInt64(1)...20 {
        frames.append(Wire.appendEntries("1", "2", term: 5, prev: (i - 1, 5), commit: i - 1, entries: [(i, 5, "live \(i)")]))
    }
    let client = try PeerSocket.connect(port: port)
    #expect(listener.readable(milliseconds: 2000))
    let server = try #require(listener.accept())
    for f in frames { try client.write(FrameCodec.encode(f)) }
    var received = 0
    let total = frames.reduce(0) { $0 + FrameCodec.encode($1).count }
    let deadline = Date().addingTimeInterval(5)
    while received < total && Date() < deadline {
        if server.readable(milliseconds: 100) { received += server.read().count }
    }
    client.close()
    server.close()
    Thread.sleep(forTimeInterval: 0.3)
    let stats = try capture.stop()

    let d = try CaptureDecoder().decode(path: path)
    #expect(stats.packets == d.packets)
    #expect(stats.droppedByKernel == 0)
    #expect(d.frames.map(\.frame) == frames)
    #expect(d.problems.isEmpty)
    #expect(d.streams.first?.sender == "1")
    #expect(throws: CaptureError.self) { try capture.stop() }
}

@Test func badPortsAndAMissingInterfaceAreClearErrors() {
    #expect(throws: CaptureError.captureFailed("ports must be 1 to 65535, at least one")) { try LiveCapture(ports: [], outputPath: "/tmp/never.pcap") }
    #expect(throws: CaptureError.captureFailed("ports must be 1 to 65535, at least one")) { try LiveCapture(ports: [70000], outputPath: "/tmp/never.pcap") }
    #expect { try LiveCapture(interface: "no-such-interface0", ports: [7380], outputPath: "/tmp/never.pcap") } throws: { error in
        let text = "\(error)"
        return text.contains("no-such-interface0") || text.contains("permission")
    }
}
