// Builds captures of PeerWire traffic without a cluster: the decoder's tests (reordering,
// loss, doctored message sequences) and its speed measurement on millions of frames. Each
// flow gets a SYN, then its frames as TCP segments with consecutive sequence numbers.
import KeyValueStore
import PeerWire
import RaftCore

public struct SyntheticCapture {
    public private(set) var writer = PcapWriter()
    private var nextSequence: [FlowKey: UInt32] = [:]
    public private(set) var time: Int64
    /// Nanoseconds between consecutive packets.
    public var step: Int64

    struct FlowKey: Hashable {
        var source: Endpoint
        var destination: Endpoint
    }

    public init(start: Int64 = 1_780_000_000_000_000_000, step: Int64 = 50_000) {
        self.time = start
        self.step = step
    }

    /// The loopback endpoint 127.0.0.1:port.
    public static func local(_ port: UInt16) -> Endpoint { Endpoint(ipv4: 0x7F00_0001, port: port) }

    /// Sends `frames` from `source` to `destination` in one TCP segment (opening the flow with
    /// a SYN the first time).
    public mutating func send(_ frames: [Frame], from source: Endpoint, to destination: Endpoint) {
        var payload: [UInt8] = []
        for f in frames { payload += FrameCodec.encode(f) }
        send(bytes: payload, from: source, to: destination)
    }

    public mutating func send(bytes payload: [UInt8], from source: Endpoint, to destination: Endpoint) {
        let key = FlowKey(source: source, destination: destination)
        let sequence = openIfNeeded(key)
        tick()
        writer.tcp(time: time, source: source, destination: destination, sequence: sequence, payload: payload[...])
        nextSequence[key] = sequence &+ UInt32(payload.count)
    }

    /// The next sequence number of the flow (opening it first if needed), for tests that write
    /// segments themselves out of order.
    public mutating func sequence(from source: Endpoint, to destination: Endpoint) -> UInt32 {
        openIfNeeded(FlowKey(source: source, destination: destination))
    }

    /// Writes a raw segment (for reordering, retransmission and overlap tests).
    public mutating func segment(from source: Endpoint, to destination: Endpoint, sequence: UInt32, payload: ArraySlice<UInt8>, fin: Bool = false, rst: Bool = false) {
        tick()
        writer.tcp(time: time, source: source, destination: destination, sequence: sequence, fin: fin, rst: rst, payload: payload)
    }

    /// Forgets the flow so the next send opens a new connection with a SYN.
    public mutating func reset(from source: Endpoint, to destination: Endpoint) {
        let key = FlowKey(source: source, destination: destination)
        if let s = nextSequence[key] { segment(from: source, to: destination, sequence: s, payload: [], rst: true) }
        nextSequence[key] = nil
    }

    private mutating func openIfNeeded(_ key: FlowKey) -> UInt32 {
        if let s = nextSequence[key] { return s }
        let isn = UInt32(truncatingIfNeeded: key.source.port) &* 2_654_435_761
        tick()
        writer.tcp(time: time, source: key.source, destination: key.destination, sequence: isn, syn: true)
        nextSequence[key] = isn &+ 1
        return isn &+ 1
    }

    private mutating func tick() { time += step }

    /// A leader (node "1", peer port 7380) replicating client writes to two followers, which
    /// answer: `frames` frames in all, `perSegment` frames to a TCP segment. What a busy
    /// three-node cluster's peer ports carry; used to measure decoding speed.
    public static func busyCluster(frames: Int, perSegment: Int = 4) -> SyntheticCapture {
        var c = SyntheticCapture(step: 2_000)
        let leader = local(7380)
        let followers: [(NodeID, Endpoint, Endpoint)] = [("2", local(7382), local(50002)), ("3", local(7384), local(50003))]
        let leaderOut: [NodeID: Endpoint] = ["2": local(50012), "3": local(50013)]
        for (id, port, out) in followers {
            c.send([.handshake(Handshake(sender: "1", clusterID: "bench"))], from: leaderOut[id]!, to: port)
            c.send([.handshake(Handshake(sender: id, clusterID: "bench"))], from: out, to: leader)
        }
        var sent = 4
        var last: UInt64 = 0
        while sent < frames {
            // The same entries go to both followers, as a leader sends them.
            let first = last + 1
            last += UInt64(perSegment)
            for (id, port, out) in followers where sent < frames {
                var batch: [Frame] = []
                var replies: [Frame] = []
                for index in first...last {
                    let command = LogEntryBytes.set(key: "key:\(index % 1000)", value: "value-\(index)")
                    let entry = Entry(term: 3, index: LogIndex(index), kind: .normal, data: command)
                    let ae = AppendEntries(prevLogIndex: LogIndex(index - 1), prevLogTerm: index == 1 ? 0 : 3, entries: [entry], leaderCommit: LogIndex(index - 1))
                    batch.append(.message(Message(from: "1", to: id, term: 3, body: .appendEntries(ae))))
                    replies.append(.message(Message(from: id, to: "1", term: 3, body: .appendEntriesResponse(AppendEntriesResponse(success: true, index: LogIndex(index))))))
                }
                c.send(batch, from: leaderOut[id]!, to: port)
                c.send(replies, from: out, to: leader)
                sent += 2 * perSegment
            }
        }
        return c
    }
}

/// The node's log-entry encoding of a client command (KeyValueStore's LogEntry, version 1),
/// for synthetic traffic.
public enum LogEntryBytes {
    public static func set(key: String, value: String, timestamp: Int64 = 1_780_000_000_000) -> [UInt8] {
        LogEntry(timestamp: timestamp, args: [Array("SET".utf8), Array(key.utf8), Array(value.utf8)]).encoded()
    }
}
