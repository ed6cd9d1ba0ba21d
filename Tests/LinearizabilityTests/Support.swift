import Foundation
import Linearizability

/// Foundation has an `Operation` too; in this test module the name means the checker's.
typealias Operation = Linearizability.Operation

/// An operation for a hand-made history; `ret: nil` never returned (indeterminate).
func op(
    _ process: Int, _ function: String, _ input: Value? = nil, _ output: Value? = nil, key: String? = nil,
    _ call: Int64, _ ret: Int64?
) -> Operation {
    Operation(
        id: 0, process: process, function: function, key: key, input: input ?? .null, output: output ?? .null,
        outcome: ret == nil ? .indeterminate : .ok, callTime: call, returnTime: ret)
}

/// A history of `ops`, numbered in the order given.
func history(_ ops: Operation...) -> History { history(ops) }

func history(_ ops: [Operation]) -> History {
    History(operations: ops.enumerated().map { i, o in
        var o = o
        o.id = i
        return o
    })
}

func verdict(_ h: History, _ model: some Model, workers: Int = 2) -> Verdict {
    check(history: h, model: model, options: CheckOptions(timeout: 30, workers: workers)).verdict
}

/// The repository root, found by walking up from this file to the directory holding Package.swift.
func repositoryRoot(from file: String = #filePath) -> URL? {
    var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}

/// Rows of a tab-separated manifest with a header line, as dictionaries by column name.
func readManifest(_ url: URL) -> [[String: String]] {
    guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
        $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
    guard let header = lines.first else { return [] }
    return lines.dropFirst().filter { !$0.isEmpty && !$0[0].hasPrefix("#") }.map { row in
        Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0 < row.count ? row[$0] : "") })
    }
}
