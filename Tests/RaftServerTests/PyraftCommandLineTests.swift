import Foundation
import Testing

/// pyraft's own spellings on raft-node's command line: `-loglevel` and `-logfile` with one dash.
@Suite(.serialized)
struct PyraftCommandLineTests {
    @Test func singleDashLogOptionsWorkAsPyraftWritesThem() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let verbose = nodes.directory.appendingPathComponent("debug.log").path
        let quiet = nodes.directory.appendingPathComponent("error.log").path
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "-loglevel", "debug", "-logfile", verbose])
        try nodes.start(id: "2", port: port + 2, arguments: ["-a", "127.0.0.1:\(port + 2)", "-i", "2", "-loglevel", "error", "-logfile", quiet])
        try nodes.waitForPort(port)
        try nodes.waitForPort(port + 2)
        let debugLines = (try? String(contentsOfFile: verbose, encoding: .utf8)) ?? ""
        let errorLines = (try? String(contentsOfFile: quiet, encoding: .utf8)) ?? ""
        #expect(debugLines.contains("[INFO]") && debugLines.contains("is a leader"), "-logfile got: \(debugLines.prefix(500))")
        #expect(!errorLines.contains("[INFO]"), "-loglevel error still logged info lines: \(errorLines.prefix(500))")
    }

    @Test func pyraftsFatalLevelIsAcceptedAndAnUnknownLevelIsNot() throws {
        let port = NodeProcesses.portBase()
        let unknown = try runNodeExpectingExit(["-a", "127.0.0.1:\(port)", "-loglevel", "verbose"])
        #expect(unknown.status != 0 && unknown.output.contains("'verbose' is not one of"), "\(unknown.output)")
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        try nodes.start(id: "1", port: port + 2, arguments: ["-a", "127.0.0.1:\(port + 2)", "-loglevel", "fatal"])
        try nodes.waitForPort(port + 2)
    }
}
