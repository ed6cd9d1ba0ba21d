// A replicated counter: application commands (COUNTER.ADD, COUNTER.GET) registered in the same
// command table as the built-in Redis commands, so every replica applies them in log order.
//
//   swift run replicated-counter -a 127.0.0.1:7379 [-i ID] [-e ENSEMBLE]
//   redis-cli -p 7379 counter.add hits 5      → (integer) 5
//   redis-cli -p 7379 counter.get hits        → (integer) 5
#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import Logging
import RESP
import RaftServer
import ServiceLifecycle

let server: RaftServer
do {
    let (options, _) = try RaftServerOptions.parse(pyraftArguments: CommandLine.arguments.dropFirst())
    server = RaftServer(options: options, logger: Logger(label: "replicated-counter"))
} catch {
    print("replicated-counter: \(error)\nusage: replicated-counter -a IP:PORT [-i ID] [-e ID/IP:PORT,...]")
    exit(64)
}

/// Counters live in the ordinary keyspace under "counter:<name>", as decimal strings.
@Sendable func counterKey(_ context: CommandContext) -> ByteKey { ByteKey(Array("counter:".utf8) + context.args[1]) }
@Sendable func counterValue(_ context: CommandContext) throws(CommandError) -> Int64 {
    guard let bytes = try context.string(counterKey(context)) else { return 0 }
    guard let n = Int64(String(decoding: bytes, as: UTF8.self)) else { throw .notInteger }
    return n
}

do {
    // COUNTER.ADD name delta: a write, so its handler runs on every replica and must be
    // deterministic (it reads only the store and its arguments).
    try server.register("counter.add", kind: .write, arity: 3) { c throws(CommandError) in
        guard let delta = Int64(String(decoding: c.args[2], as: UTF8.self)) else { throw .notInteger }
        let (sum, overflow) = try counterValue(c).addingReportingOverflow(delta)
        guard !overflow else { throw .overflow }
        c.store.setValue(counterKey(c), .string(Array(String(sum).utf8)), keepTTL: true)
        return .integer(sum)
    }
    // COUNTER.GET name: a read, served after a ReadIndex on whichever node the client asked.
    try server.register("counter.get", kind: .read, arity: 2) { c throws(CommandError) in
        .integer(try counterValue(c))
    }
} catch {
    print("replicated-counter: \(error)")
    exit(70)
}
server.onLeader { print("this node leads: counters are served here") }
// pyraft's on_start / on_shutdown; stderr, unbuffered, so the lines show while the node runs.
@Sendable func say(_ line: String) { _ = (line + "\n").utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) } }
server.onStart { say("on_start: the node is up") }
server.onShutdown { say("on_shutdown: the node stopped gracefully") }

/// The application's own service beside the node: says which role the node has, every few
/// seconds, until the group shuts down.
struct RoleReporter: Service {
    let server: RaftServer
    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(nanoseconds: 5_000_000_000)
                    say("role: \(server.status.role)")
                }
            }
        } catch is CancellationError {
            // The group is shutting down.
        }
    }
}

// The node is a Service (swift-service-lifecycle): it goes into the application's ServiceGroup
// beside the application's own services. SIGTERM or SIGINT shuts the group down gracefully, in
// reverse order: the reporter stops, then the node hands over and stops (onShutdown is called),
// then run() returns.
// (`serviceConfiguration`: a SHUTDOWN command stops the node, and then the whole group.)
let group = ServiceGroup(configuration: ServiceGroupConfiguration(
    services: [server.serviceConfiguration, .init(service: RoleReporter(server: server))],
    gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "replicated-counter")))
do {
    try await group.run()
} catch {
    print("replicated-counter: \(error)")
    exit(1)
}
