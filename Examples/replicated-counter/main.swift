// A replicated counter: an application command (COUNTER.ADD, COUNTER.GET) registered through
// the same registry as the built-in commands, so every replica applies it in log order.
//
//   swift run replicated-counter -a 127.0.0.1:7379 [-i ID] [-e ENSEMBLE]
//   redis-cli -p 7379 counter.add hits 5      → (integer) 5
//   redis-cli -p 7379 counter.get hits        → (integer) 5
#if canImport(Glibc)
import Glibc
#endif
import Logging
import RESP
import RaftCore
import RaftServer

func usage(_ message: String) -> Never {
    print("replicated-counter: \(message)\nusage: replicated-counter -a IP:PORT [-i ID] [-e ID/IP:PORT,...]")
    exit(64)
}

var address: String?
var id: String?
var ensemble = ""
var args = CommandLine.arguments.dropFirst()
while let flag = args.popFirst() {
    guard let value = args.popFirst() else { usage("\(flag) needs a value") }
    switch flag {
    case "-a": address = value
    case "-i": id = value
    case "-e": ensemble = value
    default: usage("unknown option \(flag)")
    }
}
guard let address else { usage("-a is required") }

let options: RaftServerOptions
do {
    let client = try NodeAddress(parsing: address)
    let me = NodeID(id ?? client.description)
    var members = try RaftServerOptions.parseEnsemble(ensemble)
    if !members.isEmpty { members[me] = client }
    options = RaftServerOptions(id: me, clientAddress: client, ensemble: members, fsync: .never)
} catch {
    usage("\(error)")
}

let server = RaftServer(options: options, logger: Logger(label: "replicated-counter"))

enum Decimal {
    @Sendable static func number(_ bytes: [UInt8]) -> Int64? { Int64(String(decoding: bytes, as: UTF8.self)) }
}

// COUNTER.ADD name delta: deterministic, so every replica computes the same value.
server.register(CommandSpec(name: "counter.add", kind: .write, arity: 3) { data, args in
    guard let delta = Decimal.number(args[2]) else { return .error("ERR delta is not an integer") }
    let key = Array("counter:".utf8) + args[1]
    let current = data.get(key).flatMap { Decimal.number($0.value) } ?? 0
    let (sum, overflow) = current.addingReportingOverflow(delta)
    guard !overflow else { return .error("ERR counter would overflow") }
    data.set(key, Array(String(sum).utf8))
    return .integer(sum)
})
server.register(CommandSpec(name: "counter.get", kind: .read, arity: 2) { data, args in
    .integer(data.get(Array("counter:".utf8) + args[1]).flatMap { Decimal.number($0.value) } ?? 0)
})
server.onLeader { print("this node leads: counters are served here") }

do {
    try await server.run()
} catch {
    print("replicated-counter: \(error)")
    exit(1)
}
