import Foundation

/// One client operation as the report sees it: a call, and how and when it ended. Its key,
/// values and error stay bytes of the history until a tooltip needs them (`RunFiles.describe`).
struct ReportOperation {
    enum Ending: String { case ok, fail, info, open }
    var start: UInt64
    /// nil when the history has no completion (it stays open: info).
    var end: UInt64?
    var ending: Ending
    var function: String
    var node: String
    var process: Int
    var key: FlatJSONLine.Span?
    var argument: FlatJSONLine.Span?
    var result: FlatJSONLine.Span?
    var error: FlatJSONLine.Span?

    static let writeFunctions: Set<String> = ["write", "cas", "set", "del", "add", "put", "append"]
    var isWrite: Bool { Self.writeFunctions.contains(function) }
}

/// Everything the report reads from a run directory. Any file may be missing (a run that failed
/// early): the page then says so in place of that part.
struct RunFiles {
    var manifest: [String: Any]?
    var faults: [FaultEvent] = []
    var observations: [ClusterObservation] = []
    var operations: [ReportOperation] = []
    var verdict: RunVerdict?
    /// Lines of the run's files that could not be read, with where.
    var problems: [String] = []
    /// Node ids with a folder under nodes/ (their logs are linked).
    var nodeFolders: [String] = []

    init(layout: RunLayout) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError("\(layout.root.path) is not a run directory")
        }
        if let data = try? Data(contentsOf: layout.manifest) {
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                manifest = object
            } else {
                problems.append("run.json is not a JSON object")
            }
        }
        faults = decodeLines(layout.faults, as: FaultEvent.self)
        observations = decodeLines(layout.cluster, as: ClusterObservation.self)
        if let data = try? Data(contentsOf: layout.verdict) {
            do {
                verdict = try JSONDecoder().decode(RunVerdict.self, from: data)
            } catch {
                problems.append("verdict.json cannot be read: \(error)")
            }
        }
        if let data = try? Data(contentsOf: layout.history) { operations = scanHistory(Array(data)) }
        let nodes = layout.root.appendingPathComponent("nodes")
        nodeFolders = ((try? FileManager.default.contentsOfDirectory(atPath: nodes.path)) ?? []).sorted(by: NodeOrder.less)
    }

    private mutating func decodeLines<T: Decodable>(_ url: URL, as: T.Type) -> [T] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        let decoder = JSONDecoder()
        var out: [T] = []
        for (n, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            do {
                out.append(try decoder.decode(T.self, from: Data(line)))
            } catch {
                problems.append("\(url.lastPathComponent) line \(n + 1) cannot be read")
            }
        }
        return out
    }

    /// The history's bytes: operations point into them.
    private(set) var historyBytes: [UInt8] = []

    /// "n2 p7 cas r3-1 [4,9] → true: ok (error)" for a tooltip.
    func describe(_ op: ReportOperation) -> String {
        func text(_ span: FlatJSONLine.Span?) -> String {
            guard let span else { return "" }
            return historyBytes.withUnsafeBufferPointer { FlatJSONLine.text($0, span) }
        }
        var s = "\(op.node) p\(op.process) \(op.function) \(text(op.key)) \(text(op.argument))"
        if op.result != nil { s += " → " + text(op.result) }
        s += ": " + op.ending.rawValue
        if op.error != nil { s += " (" + text(op.error) + ")" }
        return s
    }

    /// Pairs calls with completions (by op id, else by process) as docs/history-format.md says.
    private mutating func scanHistory(_ data: [UInt8]) -> [ReportOperation] {
        historyBytes = data
        // Unsafe pointers keep a debug build's byte loops from costing a retain per byte.
        return data.withUnsafeBufferPointer { scanHistory(bytes: $0) }
    }

    private mutating func scanHistory(bytes: UnsafeBufferPointer<UInt8>) -> [ReportOperation] {
        var ops: [ReportOperation] = []
        ops.reserveCapacity(bytes.count / 200)
        var openByID: [Int: Int] = [:]
        var openByProcess: [Int: Int] = [:]
        var names = NameCache()
        var lineNumber = 0
        var unreadable = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let line = start..<end
            start = end + 1
            if line.allSatisfy({ bytes[$0] == 0x20 || bytes[$0] == 0x0D || bytes[$0] == 0x09 }) { continue }
            var time: UInt64?, process: Int?, id: Int?, type: Range<Int>?
            var node: FlatJSONLine.Span?, function: FlatJSONLine.Span?
            var key: FlatJSONLine.Span?, value: FlatJSONLine.Span?, error: FlatJSONLine.Span?
            var fields = FlatJSONLine.Fields(bytes, in: line)
            while let (k, v) = fields.next() {
                switch k.count {
                case 1 where bytes[k.lowerBound] == UInt8(ascii: "f"): function = v
                case 2 where FlatJSONLine.equals(bytes, k, "id"): id = FlatJSONLine.unsigned(bytes, v).map { Int(truncatingIfNeeded: $0) }
                case 3 where FlatJSONLine.equals(bytes, k, "key"): key = v
                case 4 where FlatJSONLine.equals(bytes, k, "time"): time = FlatJSONLine.unsigned(bytes, v)
                case 4 where FlatJSONLine.equals(bytes, k, "type"): if v.kind == .string { type = v.range }
                case 4 where FlatJSONLine.equals(bytes, k, "node"): node = v
                case 5 where FlatJSONLine.equals(bytes, k, "value"): value = v
                case 5 where FlatJSONLine.equals(bytes, k, "error"): error = v
                case 7 where FlatJSONLine.equals(bytes, k, "process"): process = FlatJSONLine.unsigned(bytes, v).map { Int(truncatingIfNeeded: $0) }
                default: break
                }
            }
            guard fields.isValid else {
                unreadable += 1
                if unreadable <= 3 { problems.append("history.jsonl line \(lineNumber) is not a JSON object") }
                continue
            }
            guard let type, let process else { continue }  // the header
            let t = time ?? UInt64(lineNumber)
            if FlatJSONLine.equals(bytes, type, "invoke") {
                let op = ReportOperation(
                    start: t, end: nil, ending: .open, function: names.name(bytes, function), node: names.name(bytes, node),
                    process: process, key: key, argument: value, result: nil, error: nil)
                if let id { openByID[id] = ops.count } else { openByProcess[process] = ops.count }
                ops.append(op)
                continue
            }
            let ending: ReportOperation.Ending
            if FlatJSONLine.equals(bytes, type, "ok") { ending = .ok }
            else if FlatJSONLine.equals(bytes, type, "fail") { ending = .fail }
            else if FlatJSONLine.equals(bytes, type, "info") { ending = .info }
            else { continue }
            let index = id.flatMap { openByID.removeValue(forKey: $0) } ?? openByProcess.removeValue(forKey: process)
            guard let index else { continue }
            ops[index].end = t
            ops[index].ending = ending
            ops[index].error = error
            if ending == .ok { ops[index].result = value }
        }
        if unreadable > 3 { problems.append("history.jsonl: \(unreadable) unreadable lines in all") }
        return ops
    }
}

/// Node ids and function names repeat on every line: one String each.
private struct NameCache {
    private var known: [(bytes: [UInt8], name: String)] = []

    mutating func name(_ bytes: UnsafeBufferPointer<UInt8>, _ span: FlatJSONLine.Span?) -> String {
        guard let span else { return "?" }
        let slice = UnsafeBufferPointer(rebasing: bytes[span.range])
        if let hit = known.first(where: { $0.bytes.elementsEqual(slice) }) { return hit.name }
        let name = FlatJSONLine.text(bytes, span)
        if known.count < 256 { known.append((Array(slice), name)) }
        return name
    }
}

/// Why a report could not be made.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// n2 before n10: node ids compared with their numbers as numbers.
enum NodeOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        let (pa, na) = split(a), (pb, nb) = split(b)
        return pa != pb ? pa < pb : na != nb ? na < nb : a < b
    }
    private static func split(_ s: String) -> (String, Int) {
        let digits = s.reversed().prefix { $0.isNumber }
        return (String(s.dropLast(digits.count)), Int(String(digits.reversed())) ?? -1)
    }
}
