// pyraft's URL checker: keys `url_<name>` hold "host:port" (or "http://host:port/...");
// only the leader checks them every 5 seconds (a TCP connect with a short timeout) and
// writes the result under `status_<name>` through Raft. When leadership moves, the new
// leader takes over the checking.
//
//   swift run url-checker -a 127.0.0.1:7379 -i 1 -e 1/127.0.0.1:7379,2/127.0.0.1:7381,3/127.0.0.1:7383
//   redis-cli -p 7379 set url_example example.com:80
//   redis-cli -p 7381 get status_example
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RESP
import RaftServer

let every: Int64
let server: RaftServer
let logger = Logger(label: "url-checker")
do {
    let (options, extra) = try RaftServerOptions.parse(pyraftArguments: CommandLine.arguments.dropFirst(), extraFlags: ["--every"])
    guard let seconds = Int64(extra["--every"] ?? "5"), seconds >= 1 else { throw NodeOptionError("--every needs a whole number of seconds") }
    every = seconds
    server = RaftServer(options: options, logger: logger)
} catch {
    print("url-checker: \(error)\nusage: url-checker -a IP:PORT [-i ID] [-e ID/IP:PORT,...] [--every SECONDS]")
    exit(64)
}

let isLeader = NIOLockedValueBox(false)
server.onLeader { isLeader.withLockedValue { $0 = true } }
server.onFollower { isLeader.withLockedValue { $0 = false } }
server.onCandidate { isLeader.withLockedValue { $0 = false } }

/// "http://host:port/path", "host:port" or "host" → (host, port).
@Sendable func target(of url: String) -> (String, Int)? {
    var rest = Substring(url)
    var port = 80
    let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
    if parts.count == 2 {
        if parts[0].lowercased() == "https" { port = 443 }
        rest = parts[1]
    }
    if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
    if let colon = rest.lastIndex(of: ":") {
        guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
        port = p
        rest = rest[..<colon]
    }
    return rest.isEmpty ? nil : (String(rest), port)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

@Sendable func check(_ url: String) async -> String {
    guard let (host, port) = target(of: url) else { return "invalid url" }
    do {
        let channel = try await ClientBootstrap(group: group).connectTimeout(.seconds(2)).connect(host: host, port: port).get()
        try? await channel.close()
        return "up"
    } catch {
        return "down: \(error)"
    }
}

Task {
    while true {
        try? await Task.sleep(for: .seconds(every))
        guard isLeader.withLockedValue({ $0 }) else { continue }
        guard case .array(let keys?) = try? await server.request(["KEYS", "url_*"]) else { continue }
        for key in keys.compactMap(\.stringValue) {
            guard let url = (try? await server.request(["GET", key]))?.stringValue else { continue }
            let result = await check(url)
            let name = String(key.dropFirst("url_".count))
            _ = try? await server.request(["SET", "status_\(name)", result])
            logger.info("\(url): \(result)")
        }
    }
}

do {
    try await server.run()
} catch {
    print("url-checker: \(error)")
    exit(1)
}
