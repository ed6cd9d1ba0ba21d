// Puts each direction of each TCP connection back into byte order: out-of-order segments wait
// for the gap before them, retransmitted and overlapping bytes are delivered once, a new SYN
// on the same ports starts a new stream, and a capture that starts mid-connection starts its
// stream at the first byte seen (the frame decoder then resynchronises). A gap that never
// fills (a packet the capture missed) is skipped when too much waits behind it or the stream
// ends, and reported, so one lost packet costs one frame, not the rest of the stream.

public struct TCPReassembler {
    /// What the reassembler tells its consumer, in stream order per stream.
    public enum Event {
        /// A new stream (one direction of a connection). `midStream`: its start was not captured.
        case opened(stream: Int, connection: Int, source: Endpoint, destination: Endpoint, midStream: Bool, packet: Int, time: Int64)
        /// The next bytes of `stream`, carried by `packet` (bytes[range] of the capture buffer).
        case data(stream: Int, range: Range<Int>, packet: Int, time: Int64)
        /// `bytes` bytes of `stream` were never captured; the next data follows them.
        case gap(stream: Int, bytes: UInt64, packet: Int, time: Int64)
        /// FIN, RST, or the end of the capture.
        case closed(stream: Int, packet: Int, time: Int64)
    }

    private struct Flow {
        var stream: Int
        var connection: Int
        var nextSequence: UInt32
        var hasData = false
        var finished = false
        /// Segments that arrived ahead of `nextSequence`, in arrival order.
        var waiting: [(sequence: UInt32, range: Range<Int>, packet: Int, time: Int64)] = []
        /// The longest waiting segment at each sequence number: a retransmission is found without
        /// a scan (a gap with tens of thousands of segments behind it would make each one O(n)).
        var longestWaiting: [UInt32: Int] = [:]
        var waitingBytes = 0
    }

    private struct FlowKey: Hashable {
        var source: Endpoint
        var destination: Endpoint
    }

    /// Bytes allowed to wait behind a gap before the gap is declared lost.
    public let maxWaitingBytes: Int
    private var flows: [FlowKey: Flow] = [:]
    private var nextStream = 0
    private var nextConnection = 0
    /// Segments whose bytes had all been delivered already (retransmissions).
    public private(set) var retransmittedSegments = 0

    public init(maxWaitingBytes: Int = 8 << 20) {
        self.maxWaitingBytes = maxWaitingBytes
    }

    public mutating func add(_ s: TCPSegment, packet: Int, time: Int64, emit: (Event) -> Void) {
        let key = FlowKey(source: s.source, destination: s.destination)
        if s.syn {
            if let old = flows[key] {
                // A SYN retransmitted before any data changes nothing; after data it is a new connection.
                if !old.hasData && !old.finished && old.nextSequence == s.sequence &+ 1 { return }
                close(key, packet: packet, time: time, emit: emit)
            }
            open(key, sequence: s.sequence &+ 1, midStream: false, packet: packet, time: time, emit: emit)
            return
        }
        if s.rst {
            // A reset aborts both directions at once.
            close(key, packet: packet, time: time, emit: emit)
            close(FlowKey(source: s.destination, destination: s.source), packet: packet, time: time, emit: emit)
            return
        }
        if flows[key] == nil {
            guard !s.payload.isEmpty else { return }
            open(key, sequence: s.sequence, midStream: true, packet: packet, time: time, emit: emit)
        }
        if !s.payload.isEmpty {
            accept(key, sequence: s.sequence, range: s.payload, packet: packet, time: time, emit: emit)
        }
        if s.fin {
            flows[key]?.finished = true
            if let f = flows[key], f.waiting.isEmpty, Int32(bitPattern: s.sequence &+ UInt32(s.payload.count) &- f.nextSequence) <= 0 {
                close(key, packet: packet, time: time, emit: emit)
            }
        }
    }

    /// Ends every open stream (the capture is over): waiting segments are delivered after their gaps.
    public mutating func finish(packet: Int, time: Int64, emit: (Event) -> Void) {
        for key in flows.keys.sorted(by: { flows[$0]!.stream < flows[$1]!.stream }) {
            close(key, packet: packet, time: time, emit: emit)
        }
    }

    private mutating func open(_ key: FlowKey, sequence: UInt32, midStream: Bool, packet: Int, time: Int64, emit: (Event) -> Void) {
        // The two directions of one connection share its number: the reverse flow, if open, has it.
        let connection: Int
        if let reverse = flows[FlowKey(source: key.destination, destination: key.source)] {
            connection = reverse.connection
        } else {
            connection = nextConnection
            nextConnection += 1
        }
        let stream = nextStream
        nextStream += 1
        flows[key] = Flow(stream: stream, connection: connection, nextSequence: sequence)
        emit(.opened(stream: stream, connection: connection, source: key.source, destination: key.destination, midStream: midStream, packet: packet, time: time))
    }

    private mutating func close(_ key: FlowKey, packet: Int, time: Int64, emit: (Event) -> Void) {
        // Taken out of the dictionary while it changes, so its arrays are not copied (here and in accept).
        guard var f = flows.removeValue(forKey: key) else { return }
        while !f.waiting.isEmpty { skipGap(&f, emit: emit) }
        flows[key] = nil
        emit(.closed(stream: f.stream, packet: packet, time: time))
    }

    private mutating func accept(_ key: FlowKey, sequence: UInt32, range: Range<Int>, packet: Int, time: Int64, emit: (Event) -> Void) {
        guard var f = flows.removeValue(forKey: key) else { return }
        let ahead = Int(Int32(bitPattern: sequence &- f.nextSequence))
        if ahead > 0 {
            if (f.longestWaiting[sequence] ?? -1) < range.count {
                f.waiting.append((sequence, range, packet, time))
                f.longestWaiting[sequence] = range.count
                f.waitingBytes += range.count
            } else {
                retransmittedSegments += 1
            }
            while f.waitingBytes > maxWaitingBytes { skipGap(&f, emit: emit) }
        } else if deliver(&f, sequence: sequence, range: range, packet: packet, time: time, emit: emit) {
            drain(&f, emit: emit)
        } else {
            retransmittedSegments += 1
        }
        flows[key] = f
    }

    /// Delivers the part of a segment beyond `nextSequence`; false if there is none (a retransmission).
    private func deliver(_ f: inout Flow, sequence: UInt32, range: Range<Int>, packet: Int, time: Int64, emit: (Event) -> Void) -> Bool {
        let behind = Int(Int32(bitPattern: f.nextSequence &- sequence))
        guard behind < range.count else { return false }
        let fresh = (range.lowerBound + max(0, behind))..<range.upperBound
        emit(.data(stream: f.stream, range: fresh, packet: packet, time: time))
        f.nextSequence = f.nextSequence &+ UInt32(fresh.count)
        f.hasData = true
        return true
    }

    /// Delivers waiting segments that the stream has caught up with: in sequence order (arrival
    /// order among equal sequence numbers), each one's bytes beyond what was delivered, until the
    /// next gap. One sort, not a scan per delivered segment.
    private func drain(_ f: inout Flow, emit: (Event) -> Void) {
        guard !f.waiting.isEmpty else { return }
        let base = f.nextSequence
        let order = f.waiting.indices.sorted { a, b in
            let x = Int32(bitPattern: f.waiting[a].sequence &- base), y = Int32(bitPattern: f.waiting[b].sequence &- base)
            return x != y ? x < y : a < b
        }
        var done = Set<Int>()
        for i in order {
            let w = f.waiting[i]
            guard Int32(bitPattern: w.sequence &- f.nextSequence) <= 0 else { break }
            done.insert(i)
            f.waitingBytes -= w.range.count
            _ = deliver(&f, sequence: w.sequence, range: w.range, packet: w.packet, time: w.time, emit: emit)
        }
        guard !done.isEmpty else { return }
        f.waiting = f.waiting.indices.filter { !done.contains($0) }.map { f.waiting[$0] }
        f.longestWaiting = [:]
        for w in f.waiting { f.longestWaiting[w.sequence] = max(f.longestWaiting[w.sequence] ?? 0, w.range.count) }
    }

    /// Gives up on the bytes before the earliest waiting segment.
    private func skipGap(_ f: inout Flow, emit: (Event) -> Void) {
        guard let first = f.waiting.min(by: { Int32(bitPattern: $0.sequence &- $1.sequence) < 0 }) else { return }
        let missing = UInt32(bitPattern: Int32(bitPattern: first.sequence &- f.nextSequence))
        if missing > 0 {
            emit(.gap(stream: f.stream, bytes: UInt64(missing), packet: first.packet, time: first.time))
            f.nextSequence = first.sequence
        }
        drain(&f, emit: emit)
    }
}
