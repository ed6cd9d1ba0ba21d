import ArgumentParser
import Dispatch
import Foundation
import Linearizability

/// `raft-chaos bench DIR`: checks every file a MANIFEST.tsv lists (file, format, model, expected
/// verdict, Porcupine's seconds), in one process, and prints per-file time, verdict and agreement,
/// then the totals. Exits non-zero on any disagreement or unreadable file.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the checker on a corpus with known verdicts (a directory with MANIFEST.tsv)."
    )

    @Argument(help: "Corpus directory containing MANIFEST.tsv.")
    var directory: String

    @Option(help: "Check each file this many times and report the median.")
    var repeats: Int = 1

    @Option(help: "Give up with 'unknown' after this many seconds per file.")
    var timeout: Double?

    @Option(help: "Partitions searched at once (default: the processor count).")
    var workers: Int?

    struct Entry {
        var file: String
        var format: HistoryFormat?
        var model: String
        var expectLinearizable: Bool
        var porcupineSeconds: Double?
    }

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let entries = try readManifest()
        let options = CheckOptions(timeout: timeout, workers: workers)
        var disagreements: [String] = []
        var totalCheck = 0.0, totalPorcupine = 0.0, slower: [String] = []
        let wallStart = DispatchTime.now()
        print("file                 ops  check-ms  porcupine-ms  ratio  verdict            expected      agree")
        for entry in entries {
            let path = (directory as NSString).appendingPathComponent(entry.file)
            let history: History
            do {
                history = try HistoryReader.read(path: path, format: entry.format)
            } catch {
                print("\(entry.file): unreadable: \(error)")
                disagreements.append(entry.file)
                continue
            }
            guard let model = Models.named(entry.model) else {
                print("\(entry.file): unknown model \(entry.model)")
                disagreements.append(entry.file)
                continue
            }
            var times: [Double] = []
            var verdict = Verdict.unknown("not run")
            for _ in 0..<repeats {
                let t0 = DispatchTime.now()
                let result = check(history: history, model: model, options: options)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9)
                verdict = result.verdict
            }
            times.sort()
            let median = times[times.count / 2]
            totalCheck += median
            let agrees = verdict == (entry.expectLinearizable ? .linearizable : .notLinearizable)
            if !agrees { disagreements.append(entry.file) }
            var ratio = "-"
            if let p = entry.porcupineSeconds {
                totalPorcupine += p
                if p > 0 { ratio = format3(median / p) }
                if p > 0.01 && median > p { slower.append(entry.file) }
            }
            print(
                pad(entry.file, 18) + pad(String(history.operations.count), 7, right: true)
                    + pad(format3(median * 1000), 10, right: true)
                    + pad(entry.porcupineSeconds.map { format3($0 * 1000) } ?? "-", 14, right: true)
                    + pad(ratio, 7, right: true) + "  " + pad(verdict.description, 19)
                    + pad(entry.expectLinearizable ? "linearizable" : "not", 14) + (agrees ? "yes" : "NO"))
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart.uptimeNanoseconds) / 1e9
        print("files: \(entries.count), agree: \(entries.count - disagreements.count), disagree: \(disagreements.count)")
        print("check time total: \(format3(totalCheck)) s (median of \(repeats) per file); wall time with parsing: \(format3(wall)) s")
        if totalPorcupine > 0 {
            print("porcupine total (MANIFEST): \(format3(totalPorcupine)) s; ratio \(format3(totalCheck / totalPorcupine))")
        }
        if !slower.isEmpty { print("slower than porcupine on: \(slower.joined(separator: ", "))") }
        if !disagreements.isEmpty {
            print("DISAGREEMENT: \(disagreements.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    private func readManifest() throws -> [Entry] {
        let path = (directory as NSString).appendingPathComponent("MANIFEST.tsv")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("no MANIFEST.tsv in \(directory)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { throw ValidationError("empty MANIFEST.tsv") }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw ValidationError("MANIFEST.tsv has no \(name) column") }
            return i
        }
        let (cFile, cFormat, cModel, cExpected) = (try column("file"), try column("format"), try column("model"), try column("expected"))
        let cSeconds = header.firstIndex(of: "porcupine_seconds_median")
        return try lines.dropFirst().filter { $0.count > cExpected }.map { row in
            let format: HistoryFormat?
            switch row[cFormat] {
            case "jepsen-etcd", "porcupine-etcd": format = .porcupineEtcd
            case "kv", "edn", "porcupine-kv": format = .edn
            case "jsonl": format = .jsonl
            default: format = nil
            }
            guard row[cExpected] == "linearizable" || row[cExpected] == "not" else {
                throw ValidationError("MANIFEST.tsv: expected must be linearizable or not, got \(row[cExpected])")
            }
            return Entry(
                file: row[cFile], format: format, model: row[cModel], expectLinearizable: row[cExpected] == "linearizable",
                porcupineSeconds: cSeconds.flatMap { $0 < row.count ? Double(row[$0]) : nil })
        }
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        guard s.count < width else { return s + " " }
        let fill = String(repeating: " ", count: width - s.count)
        return right ? fill + s : s + fill
    }
}
