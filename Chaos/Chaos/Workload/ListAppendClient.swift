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
        let (completion, dropConnection) = txn.exchange(on: c, timeout: options.clientTimeout)
        if dropConnection { drop() }
        return completion
    }

    private func connected() -> RESPConnection? { connection.connected() }
    private func drop() { connection.drop() }
}
