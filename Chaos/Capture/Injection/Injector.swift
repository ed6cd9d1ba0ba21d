// Replay for regression testing: a fresh node (this tree's build, or any binary) is given the
// frames one node received in a capture, in order, over its peer port, from connections that
// introduce themselves as the original senders; what it sends back is collected. Comparing its
// answers with the ones the original node sent (or with another build's) shows a protocol
// change on real traffic.
//
// The fresh node gets the captured cluster's ids in its ensemble, each at a loopback port where
// the injector listens for its outbound connections; it runs in memory with an election timeout
// too long to fire, so what it sends are answers to what it is fed, not campaigns of its own.
import Foundation
import PeerWire
import RaftCore

public struct InjectionRun: Sendable {
    public var binary: String
    /// Frames given to the node.
    public var fed: Int
    /// Every Raft message the node sent, in the order they arrived.
    public var sent: [Message]
    /// Lines the node wrote to stderr, if it failed.
    public var failure: String?
}

public struct Injector {
    public let capture: DecodedCapture
    public let node: NodeID
    /// The cluster's other founding members: the ids seen in messages before the first
    /// membership change (a configuration entry of a term above 0) went by. Nodes that joined
    /// later are not in the fresh node's ensemble; it learns them from the log, as the original did.
    public let peers: [NodeID]
    /// (sender, frame) in capture order: every frame, other than handshakes and forwarded client
    /// traffic, on a stream that carries messages to `node`.
    public let inputs: [(NodeID, Frame)]

    public init(capture: DecodedCapture, node: NodeID) {
        self.capture = capture
        self.node = node
        var ids = Set<NodeID>()
        var feeding = Set<Int>()
        var membershipChanged = false
        for f in capture.frames {
            guard let m = f.message else { continue }
            if !membershipChanged {
                ids.insert(m.from)
                ids.insert(m.to)
            }
            if case .appendEntries(let b) = m.body, b.entries.contains(where: { $0.kind == .configuration && $0.term > .zero }) {
                membershipChanged = true
            }
            if m.to == node { feeding.insert(f.stream) }
        }
        ids.remove(node)
        peers = ids.sorted()
        var inputs: [(NodeID, Frame)] = []
        for f in capture.frames where feeding.contains(f.stream) {
            switch f.frame {
            case .message(let m) where m.to == node: inputs.append((m.from, f.frame))
            case .snapshotChunk:
                if let sender = capture.streams[f.stream].sender ?? inputs.last(where: { _ in true })?.0 { inputs.append((sender, f.frame)) }
            default: break
            }
        }
        self.inputs = inputs
    }

    /// The Raft messages the original node sent, in capture order.
    public var originalSent: [Message] {
        capture.frames.compactMap(\.message).filter { $0.from == node && peers.contains($0.to) }
    }

    public func run(binary: String, timeoutSeconds: Double = 60) throws(CaptureError) -> InjectionRun {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw .captureFailed("no node binary at \(binary) (swift build, or --node-binary PATH)") }
        guard !inputs.isEmpty else { throw .captureFailed("the capture holds no message to node \(node)") }
        do {
            return try runNode(binary: binary, timeoutSeconds: timeoutSeconds)
        } catch let e as CaptureError {
            throw e
        } catch {
            throw .captureFailed("injection: \(error)")
        }
    }

    private func runNode(binary: String, timeoutSeconds: Double) throws -> InjectionRun {
        // Where the fake peers listen for the node's dials; their "client port" is one below.
        var listeners: [(NodeID, PeerSocket)] = []
        defer { listeners.forEach { $0.1.close() } }
        var ensemble: [String] = []
        for p in peers {
            let (socket, port) = try PeerSocket.listen(port: 0)
            listeners.append((p, socket))
            ensemble.append("\(p)/127.0.0.1:\(port - 1)")
        }
        let clientPort = try Self.freePortPair()
        ensemble.append("\(node)/127.0.0.1:\(clientPort)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-a", "127.0.0.1:\(clientPort)", "-i", node.rawValue, "-e", ensemble.joined(separator: ","),
                             "--in-memory", "--fsync", "never", "--election-ticks", "100000", "--log-level", "error"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(3)
                while process.isRunning && Date() < deadline { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
        }

        var outbound: [PeerSocket] = []
        var decoders: [Int32: FrameDecoder] = [:]
        var sent: [Message] = []
        defer { outbound.forEach { $0.close() } }
        /// Accepts the node's dials and reads what it sent, until `quiet` ms pass with nothing new.
        func collect(quietMilliseconds: Int32, maxMilliseconds: Int) {
            let deadline = Date().addingTimeInterval(Double(maxMilliseconds) / 1000)
            while Date() < deadline {
                var progress = false
                for (_, l) in listeners where l.readable(milliseconds: 0) {
                    if let c = l.accept() { outbound.append(c); decoders[c.fd] = FrameDecoder(); progress = true }
                }
                for c in outbound where c.readable(milliseconds: 0) {
                    let bytes = c.read()
                    guard !bytes.isEmpty else { continue }
                    progress = true
                    decoders[c.fd]!.feed(bytes)
                    while let frame = try? decoders[c.fd]!.next() {
                        if case .message(let m) = frame { sent.append(m) }
                    }
                }
                if !progress {
                    var fds = listeners.map { pollfd(fd: $0.1.fd, events: Int16(POLLIN), revents: 0) } + outbound.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
                    if poll(&fds, nfds_t(fds.count), quietMilliseconds) == 0 { return }
                }
            }
        }

        // Dial the node's peer port as each sender, once it listens.
        var senders: [NodeID: PeerSocket] = [:]
        defer { senders.values.forEach { $0.close() } }
        let start = Date()
        for p in Set(inputs.map(\.0)).sorted() {
            while true {
                if let s = try? PeerSocket.connect(port: clientPort + 1) {
                    try s.write(FrameCodec.encode(.handshake(Handshake(sender: p, clusterID: "raft-node"))))
                    senders[p] = s
                    break
                }
                guard process.isRunning, Date().timeIntervalSince(start) < 10 else {
                    let stderr = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
                    return InjectionRun(binary: binary, fed: 0, sent: [], failure: "the node did not listen on 127.0.0.1:\(clientPort + 1) within 10 s: \(stderr)")
                }
                usleep(50_000)
            }
        }
        collect(quietMilliseconds: 100, maxMilliseconds: 1000)
        var fed = 0
        for (sender, frame) in inputs {
            guard Date().timeIntervalSince(start) < timeoutSeconds, process.isRunning else { break }
            guard let s = senders[sender] else { continue }
            try s.write(FrameCodec.encode(frame))
            fed += 1
            collect(quietMilliseconds: 15, maxMilliseconds: 300)
        }
        collect(quietMilliseconds: 300, maxMilliseconds: 2000)
        let failure = process.isRunning ? nil : "the node exited with status \(process.terminationStatus): " + String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        return InjectionRun(binary: binary, fed: fed, sent: sent, failure: failure)
    }

    /// A client port whose peer port (one above) is free too.
    static func freePortPair() throws -> Int {
        for _ in 0..<50 {
            let (s, port) = try PeerSocket.listen(port: 0)
            defer { s.close() }
            guard port < 65535, let (t, _) = try? PeerSocket.listen(port: port + 1) else { continue }
            t.close()
            return port
        }
        throw CaptureError.captureFailed("no free pair of loopback ports")
    }
}
