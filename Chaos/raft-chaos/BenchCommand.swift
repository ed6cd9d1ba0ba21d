import ArgumentParser
import Dispatch
import Foundation
import Linearizability

/// `raft-chaos bench DIR`: checks every file a MANIFEST.tsv lists (file, format, model, expected
/// verdict, Porcupine's seconds), in one process, and prints per-file time, verdict and agreement,
/// then the totals. Exits non-zero on any disagreement or unreadable file. With `--porcupine`
/// Porcupine's figures come from its own benchmark's output instead of the manifest, and
/// `--markdown` writes the side-by-side table for docs/.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the checker on a corpus with known verdicts (a directory with MANIFEST.tsv)."
    )

    @Argument(help: "Corpus directory containing MANIFEST.tsv (not needed with --long).")
    var directory: String?

    @Option(help: "Instead of a corpus: check a made-up linearizable register history of this many operations (see --keys) and report time and peak memory.")
    var long: Int?

    @Option(help: "Keys of the --long history.")
    var keys: Int = 1000

    @Option(name: .customLong("memory-limit"), help: "The search's memory budget in MiB (it ends as unknown beyond).")
    var memoryLimitMiB: Int = 2048

    @Option(help: "Check each file at least this many times and report the median.")
    var repeats: Int = 1

    @Option(name: .customLong("min-time"), help: "Keep repeating a file's check until this many seconds have gone into it (as Go's benchmarks do; short checks are otherwise all noise).")
    var minTime: Double = 0

    @Option(name: .customLong("porcupine"), help: "Output of Porcupine's `go test -bench` (may be given more than once: each file keeps Porcupine's fastest figure).")
    var porcupineOutputs: [String] = []

    @Option(help: "Write the side-by-side table as Markdown to this file.")
    var markdown: String?

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
        if !(minTime >= 0 && minTime <= 60) { throw ValidationError("--min-time must be between 0 and 60 seconds") }
        if directory == nil && long == nil { throw ValidationError("give a corpus directory or --long OPERATIONS") }
        if let long, long < 1 { throw ValidationError("--long must be at least 1") }
        if keys < 1 { throw ValidationError("--keys must be at least 1") }
        if memoryLimitMiB < 1 { throw ValidationError("--memory-limit must be positive") }
    }

    func run() throws {
        if let long {
            try runLong(operations: long)
            return
        }
        var entries = try readManifest()
        if !porcupineOutputs.isEmpty {
            let figures: PorcupineFigures
            do { figures = try PorcupineFigures(paths: porcupineOutputs) } catch { throw ValidationError("\(error)") }
            for line in figures.unreadable { print("porcupine output: cannot read \(line)") }
            for i in entries.indices { entries[i].porcupineSeconds = figures.seconds[entries[i].file] }
        }
        var rows: [BenchRow] = []
        let startLoad = loadAverage()
        let options = CheckOptions(timeout: timeout, memoryLimitBytes: memoryLimitMiB << 20, workers: workers)
        var totalParse = 0.0
        var disagreements: [String] = []
        var totalCheck = 0.0, totalCPU = 0.0, totalPorcupine = 0.0, slower: [String] = []
        let wallStart = DispatchTime.now()
        print("file                 ops  parse-ms  check-ms    cpu-ms  porcupine-ms  ratio  verdict            expected      agree")
        for entry in entries {
            let path = (directory! as NSString).appendingPathComponent(entry.file)
            let history: History
            let parseStart = DispatchTime.now()
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
            let parseSeconds = Double(DispatchTime.now().uptimeNanoseconds - parseStart.uptimeNanoseconds) / 1e9
            totalParse += parseSeconds
            var times: [Double] = [], cpuTimes: [Double] = []
            var verdict = Verdict.unknown("not run")
            let fileStart = DispatchTime.now()
            // At least `repeats` checks and `minTime` seconds, at most 100,000 checks.
            while times.count < repeats || (seconds(since: fileStart) < minTime && times.count < 100_000) {
                let t0 = DispatchTime.now()
                let c0 = processCPUSeconds()
                let result = check(history: history, model: model, options: options)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9)
                cpuTimes.append(processCPUSeconds() - c0)
                verdict = result.verdict
            }
            times.sort()
            cpuTimes.sort()
            let median = times[times.count / 2]
            let cpu = cpuTimes[cpuTimes.count / 2]
            totalCheck += median
            totalCPU += cpu
            let agrees = verdict == (entry.expectLinearizable ? .linearizable : .notLinearizable)
            if !agrees { disagreements.append(entry.file) }
            var ratio = "-"
            if let p = entry.porcupineSeconds {
                totalPorcupine += p
                if p > 0 { ratio = format3(median / p) }
                if p > 0.01 && median > p { slower.append(entry.file) }
            }
            rows.append(
                BenchRow(
                    file: entry.file, operations: history.operations.count, checks: times.count, wallSeconds: median,
                    cpuSeconds: cpu, porcupineSeconds: entry.porcupineSeconds, verdict: verdict.description, agrees: agrees))
            print(
                pad(entry.file, 18) + pad(String(history.operations.count), 7, right: true)
                    + pad(format3(parseSeconds * 1000), 10, right: true) + pad(format3(median * 1000), 10, right: true) + pad(format3(cpu * 1000), 10, right: true)
                    + pad(entry.porcupineSeconds.map { format3($0 * 1000) } ?? "-", 14, right: true)
                    + pad(ratio, 7, right: true) + "  " + pad(verdict.description, 19)
                    + pad(entry.expectLinearizable ? "linearizable" : "not", 14) + (agrees ? "yes" : "NO"))
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart.uptimeNanoseconds) / 1e9
        print("files: \(entries.count), agree: \(entries.count - disagreements.count), disagree: \(disagreements.count)")
        print("check time total: \(format3(totalCheck)) s wall, \(format3(totalCPU)) s CPU (all threads; median of at least \(repeats) checks\(minTime > 0 ? " and \(format3(minTime)) s" : "") per file); parsing: \(format3(totalParse)) s; whole run: \(format3(wall)) s")
        print("load average at the end: \(loadAverage()) (wall times on a busy machine are inflated; CPU time is not)")
        if totalPorcupine > 0 {
            print("porcupine total (\(porcupineOutputs.isEmpty ? "MANIFEST" : "its benchmark output")): \(format3(totalPorcupine)) s; ratio \(format3(totalCheck / totalPorcupine))")
        }
        if !slower.isEmpty { print("slower than porcupine on: \(slower.joined(separator: ", "))") }
        if let markdown {
            let table = BenchTable(
                rows: rows, repeats: repeats, minTime: minTime, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
                loadAtStart: startLoad, loadAtEnd: loadAverage(),
                porcupineSource: porcupineOutputs.isEmpty ? "MANIFEST.tsv" : porcupineOutputs.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
            do {
                try table.markdown().write(toFile: markdown, atomically: true, encoding: .utf8)
                print("table written to \(markdown)")
            } catch {
                print("cannot write \(markdown): \(error)")
                throw ExitCode(1)
            }
        }
        if !disagreements.isEmpty {
            print("DISAGREEMENT: \(disagreements.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    /// A made-up long history: generation, check time and the process's peak memory.
    private func runLong(operations: Int) throws {
        let t0 = DispatchTime.now()
        let history = SyntheticHistory.registers(operations: operations, keys: keys, spread: Int64(3 * keys))
        let generated = seconds(since: t0)
        let options = CheckOptions(timeout: timeout, memoryLimitBytes: memoryLimitMiB << 20, workers: workers)
        let c0 = processCPUSeconds()
        let t1 = DispatchTime.now()
        let result = check(history: history, model: RegisterModel(), options: options)
        let wall = seconds(since: t1)
        let cpu = processCPUSeconds() - c0
        let memo = result.partitions.reduce(0) { $0 + $1.memoEntries }
        print("long history: \(operations) operations over \(keys) keys, generated in \(format3(generated)) s")
        print("verdict: \(result.verdict); check \(format3(wall)) s wall, \(format3(cpu)) s CPU; memo entries \(memo); search budget \(memoryLimitMiB) MiB; peak RSS \(peakResidentMiB()) MiB")
        if case .notLinearizable = result.verdict {
            print("DISAGREEMENT: the made-up history is linearizable")
            throw ExitCode(1)
        }
    }

    private func seconds(since t: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e9
    }

    private func readManifest() throws -> [Entry] {
        let path = (directory! as NSString).appendingPathComponent("MANIFEST.tsv")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("no MANIFEST.tsv in \(directory ?? "")")
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
        guard s.count < width else { return right ? " " + s : s + " " }
        let fill = String(repeating: " ", count: width - s.count)
        return right ? fill + s : s + fill
    }
}

/// CPU seconds used by this process so far, all threads.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The process's peak resident memory so far, in MiB.
func peakResidentMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) / 1024
}

func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    guard getloadavg(&loads, 3) == 3 else { return "unknown" }
    return loads.map { format3($0) }.joined(separator: " ")
}
