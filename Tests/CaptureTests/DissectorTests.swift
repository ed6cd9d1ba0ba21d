// The Wireshark dissector in Chaos/Capture/wireshark decodes the fixture captures frame for
// frame as the Swift decoder does. Needs tshark; Wireshark refuses Lua as root, so as root it
// runs as `nobody` on copies in a temporary directory.
import Capture
import Foundation
import Testing

private let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
private let runuser = "/usr/sbin/runuser"

/// The dissector's source, found by walking up from this file.
private let dissector: String = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("Chaos/Capture/wireshark/raft-peer.lua")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        dir = dir.deletingLastPathComponent()
    }
    return "Chaos/Capture/wireshark/raft-peer.lua"
}()

/// Runs tshark with the dissector on `capture`; its standard output.
private func runTshark(_ capture: String, fields: [String]) throws -> String {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("raft-peer-dissector-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    defer { try? FileManager.default.removeItem(at: scratch) }
    let lua = scratch.appendingPathComponent("raft-peer.lua").path
    let pcap = scratch.appendingPathComponent("capture.pcap").path
    try FileManager.default.copyItem(atPath: dissector, toPath: lua)
    try FileManager.default.copyItem(atPath: capture, toPath: pcap)
    for path in [lua, pcap] { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
    var args = ["-n", "-X", "lua_script:\(lua)", "-r", pcap, "-Y", "raftpeer", "-T", "fields"]
    for f in fields { args += ["-e", f] }
    let process = Process()
    if getuid() == 0 {
        process.executableURL = URL(fileURLWithPath: runuser)
        process.arguments = ["-u", "nobody", "--", tshark!] + args
    } else {
        process.executableURL = URL(fileURLWithPath: tshark!)
        process.arguments = args
    }
    process.currentDirectoryURL = scratch
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return String(decoding: data, as: UTF8.self)
}

@Test(.enabled(if: tshark != nil, "tshark is not installed (apt-get install tshark): the Wireshark dissector is not checked"),
      arguments: ["quiet", "election", "pause", "join", "forgotten-term"])
func theWiresharkDissectorDecodesEveryMessageOfAFixture(name: String) throws {
    let path = Fixtures.path(name, "pcap")
    let d = try CaptureDecoder().decode(path: path)
    let output = try runTshark(path, fields: ["frame.number", "raftpeer.msg", "raftpeer.term"])
    // One line per packet holding frames: packet, then comma-separated message tags and terms.
    var tags: [Int] = []
    var terms: [UInt64] = []
    for line in output.split(separator: "\n") {
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard columns.count == 3 else { continue }
        tags += columns[1].split(separator: ",").compactMap { Int($0) }
        terms += columns[2].split(separator: ",").compactMap { UInt64($0) }
    }
    let messages = d.frames.compactMap(\.message)
    #expect(tags.count == messages.count)
    #expect(terms == messages.map(\.term.rawValue))
}
