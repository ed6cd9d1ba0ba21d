import Foundation

/// One raft-node process the harness started: how to start it again with the same arguments,
/// and its state as the harness made it (running, paused, killed). Only this pid is ever signalled.
final class NodeProcess: @unchecked Sendable {
    let spec: NodeSpec
    var arguments: [String]
    let binary: URL
    let logURL: URL
    private(set) var process: Process?
    private(set) var paused = false

    init(spec: NodeSpec, binary: URL, arguments: [String], logURL: URL) {
        self.spec = spec
        self.binary = binary
        self.arguments = arguments
        self.logURL = logURL
    }

    var isRunning: Bool { process?.isRunning ?? false }
    var pid: Int32? { isRunning ? process?.processIdentifier : nil }

    func start() throws {
        guard !isRunning else { return }
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        log.write(Data("--- raft-chaos: starting \(binary.path) \(arguments.joined(separator: " "))\n".utf8))
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try? log.close()
        process = p
        paused = false
    }

    /// SIGKILL, then reaps it; a paused process is killed as it is.
    func kill() {
        guard let p = process, p.isRunning else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        paused = false
    }

    func pause() {
        guard let p = process, p.isRunning, !paused else { return }
        Glibc.kill(p.processIdentifier, SIGSTOP)
        paused = true
    }

    func resume() {
        guard let p = process, p.isRunning, paused else { return }
        Glibc.kill(p.processIdentifier, SIGCONT)
        paused = false
    }

    /// Exit status when the process ended on its own (not killed by the harness).
    var exitDescription: String? {
        guard let p = process, !p.isRunning else { return nil }
        return p.terminationReason == .uncaughtSignal ? "signal \(p.terminationStatus)" : "exit \(p.terminationStatus)"
    }
}
