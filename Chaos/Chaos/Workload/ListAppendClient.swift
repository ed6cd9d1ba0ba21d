import Foundation
import Linearizability
import RaftCore

/// One list-append client: a thread that sends transactions to one node, one at a time, as
/// MULTI, one RPUSH or LRANGE per step (each must answer QUEUED), then EXEC. Only EXEC can make
/// anything happen, so every failure before it is a `fail` (the connection is dropped, which
/// discards the queue); after it, a timeout or a lost connection is `info`.
final class ListAppendClient: @unchecked Sendable {
    static let function = "txn"

    let endpoint: ClientEndpoint
    private let keys: ListAppendKeys
    private let recorder: HistoryRecorder
    private let stopping: StopSignal
    private var random: SplitMix64
    private let connection: NodeConnection

    init(endpoint: ClientEndpoint, seed: UInt64, keys: ListAppendKeys, recorder: HistoryRecorder, stopping: StopSignal) {
        self.endpoint = endpoint
        self.keys = keys
        self.recorder = recorder
        self.stopping = stopping
        connection = NodeConnection(endpoint: endpoint, timeout: keys.options.clientTimeout)
        random = SplitMix64(seed: seed)
    }

    private var options: ListAppendOptions { keys.options }

    func run() {
        var process = recorder.newProcess()
        while !stopping.isSet {
            guard let c = connected() else {
                stopping.wait(seconds: options.reconnectDelay)
                continue
            }
            let txn = ListAppendTransaction.draw(&random, keys: keys)
            let id = recorder.invoke(process: process, node: endpoint.node, function: Self.function, key: nil, argument: txn.argument)
            let completion = send(txn, on: c)
            recorder.complete(process: process, node: endpoint.node, id: id, function: Self.function, key: nil,
                              argument: txn.argument, completion)
            switch completion {
            case .ok: break
            case .fail:
                stopping.wait(seconds: options.reconnectDelay)
            case .info:
                process = recorder.newProcess()  // the old transaction may still commit
                stopping.wait(seconds: options.reconnectDelay)
            }
        }
        drop()
    }

    private func send(_ txn: ListAppendTransaction, on c: RESPConnection) -> Completion {
        let timeout = options.clientTimeout
        do {
            let multi = try c.call(["MULTI"], timeout: timeout)
            guard multi == .ok else {
                drop()
                return .fail("MULTI answered \(PlannedOperation.describe(multi))")
            }
            for command in txn.commands {
                let queued = try c.call(command, timeout: timeout)
                guard queued == .simpleString("QUEUED") else {
                    drop()  // closing the connection discards the queue: EXEC never ran
                    return .fail("\(command[0]) answered \(PlannedOperation.describe(queued)) inside MULTI")
                }
            }
        } catch {
            drop()
            return .fail("before EXEC: \(error)")
        }
        do {
            let reply = try c.call(["EXEC"], timeout: timeout)
            let completion = txn.complete(withExecReply: reply)
            if case .info = completion { drop() }
            return completion
        } catch {
            // EXEC may have reached the node and be committed later: unknown. A late reply would
            // answer the next request: drop the connection.
            drop()
            return txn.isReadOnly ? .fail("EXEC: \(error)") : .info("EXEC: \(error)")
        }
    }

    private func connected() -> RESPConnection? { connection.connected() }
    private func drop() { connection.drop() }
}
