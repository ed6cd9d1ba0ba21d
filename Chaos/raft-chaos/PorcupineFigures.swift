import Foundation

/// Porcupine's own benchmark figures, read from the text `go test -bench` prints, by corpus file.
///
/// Lines look like `BenchmarkEtcdJepsen002-2   \t  3\t 446459000 ns/op`. The benchmark names map
/// onto the corpus: `EtcdJepsenNNN` is `etcd_NNN.log`, `KvNClient(s)Ok|Bad` is `cNN-ok|bad.txt`
/// (the `KvNoPartition...` benchmarks check another model and are skipped). Given several outputs
/// (runs before and after this checker's), each file keeps Porcupine's fastest figure: the
/// comparison is then, if anything, in Porcupine's favour.
struct PorcupineFigures {
    /// Seconds per check, by corpus file name.
    private(set) var seconds: [String: Double] = [:]
    /// Lines that named a benchmark but could not be read, for the user to see.
    private(set) var unreadable: [String] = []

    init(paths: [String]) throws {
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BenchInputError("cannot read Porcupine's benchmark output \(path)")
            }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Benchmark") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 4, let nsIndex = fields.firstIndex(of: "ns/op"), nsIndex > 0,
                    let ns = Double(fields[nsIndex - 1])
                else {
                    unreadable.append(String(line))
                    continue
                }
                guard let file = Self.corpusFile(benchmark: String(fields[0])) else { continue }
                let s = ns / 1e9
                seconds[file] = min(seconds[file] ?? .infinity, s)
            }
        }
        if seconds.isEmpty { throw BenchInputError("no Porcupine benchmark figures in \(paths.joined(separator: ", "))") }
    }

    /// `BenchmarkEtcdJepsen007-2` -> `etcd_007.log`, `BenchmarkKv50ClientsOk-2` -> `c50-ok.txt`.
    static func corpusFile(benchmark: String) -> String? {
        var name = benchmark
        if let dash = name.lastIndex(of: "-") { name = String(name[..<dash]) }
        guard name.hasPrefix("Benchmark") else { return nil }
        name.removeFirst("Benchmark".count)
        if name.hasPrefix("EtcdJepsen") {
            let digits = name.dropFirst("EtcdJepsen".count)
            guard digits.count == 3, digits.allSatisfy(\.isNumber) else { return nil }
            return "etcd_\(digits).log"
        }
        guard name.hasPrefix("Kv"), !name.hasPrefix("KvNoPartition") else { return nil }
        let rest = name.dropFirst(2)
        let digits = rest.prefix(while: \.isNumber)
        guard let clients = Int(digits) else { return nil }
        let verdict: String
        if rest.hasSuffix("Ok") { verdict = "ok" } else if rest.hasSuffix("Bad") { verdict = "bad" } else { return nil }
        return "c" + (clients < 10 ? "0" : "") + "\(clients)-\(verdict).txt"
    }
}

struct BenchInputError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
