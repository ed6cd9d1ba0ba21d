import PeerWire

/// Cuts a peer byte stream into whole frames without changing a byte, and names each one with
/// PeerWire's own decoder. If the stream stops looking like PeerWire (a corrupted byte upstream, a
/// future version), it falls back to passing bytes through as they come: the relay never holds
/// bytes it cannot frame, and never cuts a frame it can.
struct FrameSplitter {
    struct Piece {
        var bytes: [UInt8]
        var type: FrameType
    }

    private var buffer: [UInt8] = []
    private(set) var passthrough = false
    let maxFrameBody: Int

    init(maxFrameBody: Int = PeerWire.defaultMaxFrameBody) {
        self.maxFrameBody = maxFrameBody
    }

    mutating func feed(_ bytes: [UInt8]) -> [Piece] {
        if passthrough { return [Piece(bytes: bytes, type: .unframed)] }
        buffer.append(contentsOf: bytes)
        var pieces: [Piece] = []
        var start = 0
        while true {
            let available = buffer.count - start
            if available >= 2 && (UInt16(buffer[start]) << 8 | UInt16(buffer[start + 1])) != PeerWire.magic { break }
            if available >= 3 && buffer[start + 2] != PeerWire.version { break }
            guard available >= PeerWire.headerSize else {
                buffer.removeFirst(start)
                return pieces
            }
            var length = 0
            for i in 4..<8 { length = length << 8 | Int(buffer[start + i]) }
            if length > maxFrameBody { break }
            let total = PeerWire.headerSize + length + PeerWire.trailerSize
            guard available >= total else {
                buffer.removeFirst(start)
                return pieces
            }
            let raw = Array(buffer[start..<start + total])
            start += total
            var decoder = FrameDecoder(maxFrameBody: maxFrameBody)
            decoder.feed(raw)
            let type: FrameType = (try? decoder.next()).flatMap { $0.map(FrameType.init) } ?? .unframed
            pieces.append(Piece(bytes: raw, type: type))
        }
        // Not PeerWire from here on: hand over what is left untouched, and everything after it.
        passthrough = true
        let rest = Array(buffer[start...])
        buffer = []
        if !rest.isEmpty { pieces.append(Piece(bytes: rest, type: .unframed)) }
        return pieces
    }
}
