// Data-driven interaction tests in the style of etcd-io/raft's testdata: each file in testdata/
// is a script of commands, each followed by `----` and the exact transcript it must produce.
// The cluster is the unit harness (instant disk, every Ready through NodeShell). When behaviour
// changes on purpose, regenerate the transcripts with RAFT_REWRITE_TESTDATA=1 and review the diff.
//
// Commands:
//   cluster a b c            start a cluster of these voters (replaces the previous one)
//   campaign a               a starts an election (messages stay queued until `deliver`)
//   propose a DATA           a proposes DATA
//   read a ID                a asks for a ReadIndex tagged ID
//   tick a [xN]              a's clock advances N ticks (default 1)
//   deliver [drop=a->b,...]  deliver until quiet, dropping the listed directed links
//   isolate a / heal         cut a off from everyone / reconnect everyone
//   status                   one line per node (also printed after every other command)
import Foundation
import Testing
import RaftCore

@Suite("Data-driven interactions (testdata/)")
struct DataDrivenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test("Every script produces its transcript", arguments: DataDrivenTests.files)
    func scriptProducesItsTranscript(file: String) throws {
        let url = Self.directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let cases = try DataDrivenScript.parse(text, file: file)
        var runner = DataDrivenRunner()
        var rewritten: [String] = []
        for c in cases {
            let actual = runner.run(c.command)
            if Environment.value("RAFT_REWRITE_TESTDATA") == "1" {
                rewritten.append(c.comments.map { $0 + "\n" }.joined() + "\(c.command)\n----\n\(actual)")
            } else {
                #expect(actual == c.expected, "\(file):\(c.line): \(c.command)\n--- expected\n\(c.expected)\n--- actual\n\(actual)")
            }
        }
        if Environment.value("RAFT_REWRITE_TESTDATA") == "1" {
            try (rewritten.joined(separator: "\n\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    @Test("A script with no `----` after a command is refused with its line number")
    func malformedScriptIsRefused() {
        #expect(throws: DataDrivenScript.Malformed.self) { try DataDrivenScript.parse("campaign a\nstatus\n", file: "x.txt") }
    }
}

enum DataDrivenScript {
    struct Case {
        /// `#` lines just before the command, kept when the transcripts are rewritten.
        var comments: [String]
        var line: Int
        var command: String
        var expected: String
    }
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Blocks separated by blank lines: one command line, `----`, then the expected output.
    static func parse(_ text: String, file: String) throws(Malformed) -> [Case] {
        var cases: [Case] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        var comments: [String] = []
        while i < lines.count {
            if lines[i].hasPrefix("#") {
                comments.append(lines[i])
                i += 1
                continue
            }
            if lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                i += 1
                continue
            }
            let start = i
            guard i + 1 < lines.count, lines[i + 1] == "----" else {
                throw Malformed(description: "\(file):\(i + 1): expected `----` after `\(lines[i])`")
            }
            i += 2
            var out: [String] = []
            while i < lines.count, !lines[i].isEmpty {
                out.append(lines[i])
                i += 1
            }
            cases.append(Case(comments: comments, line: start + 1, command: lines[start], expected: out.joined(separator: "\n")))
            comments = []
        }
        return cases
    }
}

struct DataDrivenRunner {
    var h = Harness([])

    mutating func run(_ command: String) -> String {
        let words = command.split(separator: " ").map(String.init)
        guard let verb = words.first else { return "error: empty command" }
        var out: [String] = []
        switch (verb, words.count) {
        case ("cluster", 2...):
            h = Harness(words.dropFirst().map { NodeID($0) })
        case ("campaign", 2):
            guard known(words[1], &out) else { break }
            h[NodeID(words[1])].campaign()
            h.flushAll()
        case ("propose", 3):
            guard known(words[1], &out) else { break }
            do {
                let index = try h[NodeID(words[1])].propose(Array(words[2].utf8))
                out.append("proposed at \(index)")
            } catch {
                out.append("refused: \(error)")
            }
            h.flushAll()
        case ("read", 3):
            guard known(words[1], &out), let id = UInt64(words[2]) else { break }
            h[NodeID(words[1])].readIndex(requestID: id)
            h.flushAll()
        case ("tick", 2), ("tick", 3):
            guard known(words[1], &out) else { break }
            let times = words.count == 3 ? Int(words[2].dropFirst()) : 1
            guard let times, times > 0, times <= 1000 else {
                out.append("error: tick count must be xN with N in 1...1000")
                break
            }
            h.tick(NodeID(words[1]), times: times)
        case ("deliver", _):
            var dropped: Set<String> = []
            for w in words.dropFirst() where w.hasPrefix("drop=") {
                for link in w.dropFirst(5).split(separator: ",") { dropped.insert(String(link)) }
            }
            h.drop = { m in dropped.contains("\(m.from)->\(m.to)") }
            let before = h.sent.count
            h.deliverAll()
            h.drop = { _ in false }
            out.append("\(h.sent.count - before) messages sent")
        case ("isolate", 2):
            guard known(words[1], &out) else { break }
            h.isolated.insert(NodeID(words[1]))
        case ("heal", 1):
            h.isolated = []
        case ("status", 1):
            break
        default:
            return "error: unknown command `\(command)`"
        }
        out += status()
        return out.joined(separator: "\n")
    }

    private func known(_ id: String, _ out: inout [String]) -> Bool {
        guard h.nodes[NodeID(id)] != nil else {
            out.append("error: no node \(id)")
            return false
        }
        return true
    }

    private func status() -> [String] {
        h.nodes.keys.sorted().map { id in
            let n = h.nodes[id]!
            let reads = (h.readStates[id] ?? []).map { "#\($0.requestID)@\($0.index)" }
            return "\(id): \(n.role) term \(n.term) commit \(n.commitIndex) applied \(h.appliedData(id))"
                + (reads.isEmpty ? "" : " reads \(reads)")
        }
    }
}
