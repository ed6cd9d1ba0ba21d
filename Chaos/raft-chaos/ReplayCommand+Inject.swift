import ArgumentParser
import Capture
import Foundation
import RaftCore

extension ReplayCommand {
    /// `--inject NODE_ID`: one run against the original's answers, or two (--old, --new) against
    /// each other and the original. True when answers differ.
    func runInjection(capture: DecodedCapture, node: String) throws -> Bool {
        let injector = Injector(capture: capture, node: NodeID(node))
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("raft-node").path
        let binaries = old.map { [$0, new!] } ?? [nodeBinary ?? beside]
        var runs: [InjectionRun] = []
        for binary in binaries {
            let run: InjectionRun
            do {
                run = try injector.run(binary: binary)
            } catch {
                FileHandle.standardError.write(Data("raft-chaos replay --inject: \(error)\n".utf8))
                throw ExitCode(3)
            }
            if let failure = run.failure {
                FileHandle.standardError.write(Data("raft-chaos replay --inject: \(binary): \(failure)\n".utf8))
                throw ExitCode(3)
            }
            print("inject into node \(node) (\(binary)): fed \(run.fed) of \(injector.inputs.count) frames from \(injector.peers.map(\.rawValue).joined(separator: ",")); it sent \(run.sent.count) messages")
            runs.append(run)
        }
        /// Prints the comparison; true when the answers differ.
        func report(_ a: [Message], _ b: [Message], _ names: (String, String)) -> Bool {
            let lines = InjectionComparison.differences(a, b, names: names)
            let count = InjectionComparison.answers(a).values.reduce(0) { $0 + $1.count }
            if lines.isEmpty {
                print("\(names.0) and \(names.1): the same \(count) answers")
                return false
            }
            print("\(names.0) and \(names.1) DIFFER:")
            lines.forEach { print("  " + $0) }
            return true
        }
        // The verdict: old against new when two builds are given, else the build against the original.
        if runs.count == 2 {
            let differ = report(runs[0].sent, runs[1].sent, ("old", "new"))
            for (i, r) in runs.enumerated() { _ = report(injector.originalSent, r.sent, ("original", i == 0 ? "old" : "new")) }
            return differ
        }
        return report(injector.originalSent, runs[0].sent, ("original", "replayed"))
    }
}
