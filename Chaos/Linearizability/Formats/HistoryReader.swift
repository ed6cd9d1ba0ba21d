import Foundation

/// The history formats the checker reads.
public enum HistoryFormat: String, Sendable, CaseIterable {
    /// The project's own JSON lines (docs/history-format.md).
    case jsonl
    /// Jepsen's EDN: one map per operation event, `:fail` did not happen, `:info` indeterminate.
    /// Porcupine's kv test data (cNN-*.txt) is read this way.
    case edn
    /// Porcupine's etcd test data: `INFO jepsen.util - P :type :f value` lines; a failed cas
    /// is an observation that the value differed.
    case porcupineEtcd = "porcupine-etcd"

    /// Recognises a format from the first bytes of a file; nil when nothing fits.
    public static func detect(_ bytes: [UInt8]) -> HistoryFormat? {
        var i = 0
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == UInt8(ascii: ",") {
            i += 1
        }
        guard i < bytes.count else { return .jsonl }  // empty: any reader gives the empty history
        let rest = bytes[i..<min(bytes.count, i + 64)]
        if rest.starts(with: Array("INFO".utf8)) { return .porcupineEtcd }
        if bytes[i] == UInt8(ascii: "{") {
            var j = i + 1
            while j < bytes.count, bytes[j] == 32 || bytes[j] == 9 || bytes[j] == 10 || bytes[j] == 13 { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "}") { return .jsonl }
            return .edn
        }
        if bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: ";") || bytes[i] == UInt8(ascii: "(") { return .edn }
        return nil
    }
}

/// Reads histories from files or bytes.
public enum HistoryReader {
    /// Reads the file at `path`; `format` nil means recognise it.
    public static func read(path: String, format: HistoryFormat? = nil) throws -> History {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HistoryReadError(line: nil, "cannot read \(path)")
        }
        return try parse([UInt8](data), format: format)
    }

    public static func parse(_ bytes: [UInt8], format: HistoryFormat? = nil) throws -> History {
        guard let format = format ?? HistoryFormat.detect(bytes) else {
            throw HistoryReadError(line: 1, "not a history this checker knows (JSON lines, Jepsen EDN or Porcupine log)")
        }
        switch format {
        case .jsonl: return try JSONLinesFormat.parse(bytes)
        case .edn: return try JepsenEDNFormat.parse(bytes)
        case .porcupineEtcd: return try PorcupineEtcdFormat.parse(bytes)
        }
    }
}
