import ArgumentParser
import Linearizability

/// Options shared by the commands that read and check histories.
struct HistoryOptions: ParsableArguments {
    @Option(help: "Input format: auto, jsonl, edn, porcupine-etcd (porcupine-kv is read as edn).")
    var format: String = "auto"

    @Option(help: "Model where the file cannot say (list-append: the transactional check, serializability): \((Models.names + Models.transactionalNames).joined(separator: ", ")).")
    var model: String?

    @Option(help: "Give up with 'unknown' after this many seconds per file.")
    var timeout: Double?

    @Option(name: .customLong("memory-limit"), help: "Give up with 'unknown' when the search holds this many MiB.")
    var memoryLimitMiB: Int = 2048

    @Option(help: "Partitions searched at once (default: the processor count).")
    var workers: Int?

    func validateOptions() throws {
        if format != "auto" && parsedFormat == nil {
            throw ValidationError("unknown format \(format); use auto, jsonl, edn or porcupine-etcd")
        }
        if let model, Models.named(model) == nil, !Models.transactionalNames.contains(model) {
            throw ValidationError("unknown model \(model); use one of \((Models.names + Models.transactionalNames).joined(separator: ", "))")
        }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        if memoryLimitMiB <= 0 { throw ValidationError("--memory-limit must be positive") }
    }

    var parsedFormat: HistoryFormat? {
        format == "porcupine-kv" ? .edn : HistoryFormat(rawValue: format)
    }

    var checkOptions: CheckOptions {
        CheckOptions(timeout: timeout, memoryLimitBytes: memoryLimitMiB << 20, workers: workers)
    }

    /// The model for `history`: the command line's, else the file's, else a guess from its functions.
    func modelName(for history: History) -> String {
        model ?? history.suggestedModel ?? Models.guess(for: history)
    }
}

/// Reads a history file; the error is the reason it is unreadable.
func readHistoryFile(_ path: String, format: HistoryFormat?) -> Result<History, HistoryReadError> {
    do {
        return .success(try HistoryReader.read(path: path, format: format))
    } catch let e as HistoryReadError {
        return .failure(e)
    } catch {
        return .failure(HistoryReadError(line: nil, "\(error)"))
    }
}

/// Validates and checks a transactional history (`--model list-append`, or `f: txn` operations).
func checkTransactions(_ history: History, realtime: Bool = false) -> Result<TransactionCheckResult, HistoryReadError> {
    let problems = ListAppend.validate(history: history)
    if let first = problems.first {
        return .failure(HistoryReadError(line: nil, first + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "")))
    }
    do {
        return .success(try ListAppend.check(history: history, realtime: realtime))
    } catch {
        return .failure(HistoryReadError(line: nil, error.description))
    }
}

/// Reads, validates and checks one file; the error is the reason it is unreadable.
func checkFile(
    _ path: String, format: HistoryFormat?, modelName: (History) -> String, options: CheckOptions
) -> Result<(History, String, CheckResult), HistoryReadError> {
    let history: History
    switch readHistoryFile(path, format: format) {
    case .success(let h): history = h
    case .failure(let e): return .failure(e)
    }
    return checkHistory(history, modelName: modelName(history), options: options)
}

/// Validates and checks a history read already against a linearizability model.
func checkHistory(
    _ history: History, modelName name: String, options: CheckOptions
) -> Result<(History, String, CheckResult), HistoryReadError> {
    guard let model = Models.named(name) else { return .failure(HistoryReadError(line: nil, "unknown model \(name)")) }
    let problems = validate(history: history, model: model)
    if let first = problems.first {
        return .failure(HistoryReadError(line: nil, first + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "")))
    }
    return .success((history, name, check(history: history, model: model, options: options)))
}

func formatSeconds(_ s: Double) -> String {
    s < 1 ? String(format3(s * 1000)) + " ms" : format3(s) + " s"
}

func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    var s = String(scaled)
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < 3 { s += String(repeating: "0", count: 3 - decimals) }
    }
    return s
}
