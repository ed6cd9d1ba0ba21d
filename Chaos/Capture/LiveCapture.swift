// Live capture of a cluster's peer traffic with libpcap, written as a pcap file that tcpdump
// and Wireshark read. It only listens: a BPF filter on the given ports, immediate mode (so a
// short run is not lost in the kernel's batching), nothing sent. Counts are what pcap_dispatch
// delivered (pcap_stats' received count over-counts on Linux), drops are the kernel's.
import CPcap
import Foundation

public struct CaptureStats: Sendable, Equatable {
    /// Packets written to the file.
    public var packets: Int
    /// Packets the kernel dropped because the capture buffer was full.
    public var droppedByKernel: Int
    /// Packets the interface or its driver dropped.
    public var droppedByInterface: Int
}

public final class LiveCapture: @unchecked Sendable {
    public let interface: String
    public let ports: [Int]
    public let outputPath: String
    private let handle: OpaquePointer
    private let dumper: OpaquePointer
    private let lock = NSLock()
    private var stopping = false
    private var packets = 0
    private var failure: String?
    private let finished = DispatchSemaphore(value: 0)

    /// The BPF filter that selects the peer traffic on `ports`.
    public static func filter(ports: [Int]) -> String {
        "tcp and (" + ports.map { "port \($0)" }.joined(separator: " or ") + ")"
    }

    /// Opens the interface and the output file and starts capturing on a thread of its own.
    public init(interface: String = "lo", ports: [Int], outputPath: String, bufferBytes: Int32 = 32 << 20) throws(CaptureError) {
        guard !ports.isEmpty, ports.allSatisfy({ (1...65535).contains($0) }) else {
            throw .captureFailed("ports must be 1 to 65535, at least one")
        }
        self.interface = interface
        self.ports = ports
        self.outputPath = outputPath
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(interface, &errbuf) else { throw .captureFailed(String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        pcap_set_snaplen(h, 262_144)
        pcap_set_immediate_mode(h, 1)
        pcap_set_timeout(h, 100)
        pcap_set_buffer_size(h, bufferBytes)
        let status = pcap_activate(h)
        if status < 0 {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            if status == PCAP_ERROR_PERM_DENIED { throw .noCapturePrivilege(interface: interface, detail: detail) }
            if status == PCAP_ERROR_NO_SUCH_DEVICE { throw .captureFailed("no interface named \(interface): \(detail)") }
            throw .captureFailed("cannot open \(interface): \(detail)")
        }
        var program = bpf_program()
        guard pcap_compile(h, &program, Self.filter(ports: ports), 1, PCAP_NETMASK_UNKNOWN) == 0,
              pcap_setfilter(h, &program) == 0 else {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw .captureFailed("BPF filter: \(detail)")
        }
        pcap_freecode(&program)
        guard let d = pcap_dump_open(h, outputPath) else {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw .captureFailed("cannot write \(outputPath): \(detail)")
        }
        self.handle = h
        self.dumper = d
        let thread = Thread { [self] in run() }
        thread.name = "raft-chaos capture"
        thread.start()
    }

    private func run() {
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        while true {
            lock.lock()
            let stop = stopping
            lock.unlock()
            if stop { break }
            let n = pcap_dispatch(handle, -1, { user, header, data in
                pcap_dump(user, header, data)
            }, user)
            if n < 0 {
                if n == PCAP_ERROR_BREAK { continue }
                lock.lock()
                failure = String(cString: pcap_geterr(handle))
                lock.unlock()
                break
            }
            lock.lock()
            packets += Int(n)
            lock.unlock()
        }
        finished.signal()
    }

    /// Stops capturing, flushes and closes the file, and says what was captured and dropped.
    public func stop() throws(CaptureError) -> CaptureStats {
        lock.lock()
        if stopping {
            lock.unlock()
            throw .captureFailed("the capture was already stopped")
        }
        stopping = true
        lock.unlock()
        pcap_breakloop(handle)
        finished.wait()
        var s = pcap_stat()
        let haveStats = pcap_stats(handle, &s) == 0
        pcap_dump_flush(dumper)
        pcap_dump_close(dumper)
        pcap_close(handle)
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw .captureFailed(failure) }
        return CaptureStats(packets: packets, droppedByKernel: haveStats ? Int(s.ps_drop) : 0, droppedByInterface: haveStats ? Int(s.ps_ifdrop) : 0)
    }
}
