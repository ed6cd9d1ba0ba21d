#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import RaftServer

/// Where the log handler learns the node's id, term and role (set once the server exists).
final class NodeStatusSource: Sendable {
    private let server = NIOLockedValueBox<RaftServer?>(nil)
    let fallbackID: String
    init(fallbackID: String) { self.fallbackID = fallbackID }
    func attach(_ s: RaftServer) { server.withLockedValue { $0 = s } }
    var label: String {
        guard let s = server.withLockedValue({ $0 })?.status else { return "\(fallbackID)-0(f)" }
        return "\(s.id)-\(s.term)(\(s.roleLetter))"
    }
}

/// A FILE* shared by every handler copy; stdio locks each fputs.
struct LogSink: @unchecked Sendable {
    let file: UnsafeMutablePointer<FILE>
}

/// pyraft-style lines: `[INFO][<id>-<term>(<role letter>):2026-11-27T01:02:03.456Z] message`.
struct PyraftLogHandler: LogHandler {
    let source: NodeStatusSource
    let sink: LogSink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "[\(event.level.rawValue.uppercased())][\(source.label):\(Self.timestamp())] \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        line += "\n"
        fputs(line, sink.file)
        fflush(sink.file)
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

extension LogSink {
    static func standardError(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
