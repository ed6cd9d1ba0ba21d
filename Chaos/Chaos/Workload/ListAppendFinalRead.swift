import Foundation
import Linearizability

/// The list-append run's last act, after the heal: one read-only transaction (MULTI, LRANGE k 0 -1,
/// EXEC) per key ever used, recorded in the history like any other, then the final reads'
/// completeness (`ListAppend.lostAppends`): an acknowledged append that a final read of its key
/// lacks is lost, even if no read during the run ever showed it (the serializability check
/// alone cannot see an append nobody read).
struct ListAppendFinalRead {
    let endpoints: [ClientEndpoint]
    let timeout: Double
    /// Attempts per key, over the nodes in turn, and a bound on the whole read.
    let attemptsPerKey: Int
    let within: Double

    /// Reads every key in `keys`, recording each attempt as `process`; returns the keys no attempt
    /// could read, each with its last error. Blocking: run it off the cooperative pool.
    func read(_ keys: [String], recorder: HistoryRecorder, process: Int) -> [(key: String, error: String)] {
        let deadline = Date().addingTimeInterval(within)
        let connections = endpoints.map { NodeConnection(endpoint: $0, timeout: timeout) }
        defer { connections.forEach { $0.drop() } }
        var unread: [(key: String, error: String)] = []
        var next = 0
        for key in keys {
            let txn = ListAppendTransaction(steps: [.read(key: key)])
            var lastError = "not tried: the final read ran out of its \(Int(within)) s"
            var done = false
            for _ in 0..<attemptsPerKey where !done && Date() < deadline {
                let i = next % endpoints.count
                next += 1
                guard let c = connections[i].connected() else {
                    lastError = "\(endpoints[i].node): cannot connect"
                    continue
                }
                let node = endpoints[i].node
                let id = recorder.invoke(process: process, node: node, function: ListAppendClient.function, key: nil, argument: txn.argument)
                let (completion, dropConnection) = txn.exchange(on: c, timeout: timeout)
                recorder.complete(process: process, node: node, id: id, function: ListAppendClient.function, key: nil,
                                  argument: txn.argument, completion)
                if dropConnection { connections[i].drop() }
                switch completion {
                case .ok: done = true
                case .fail(let why), .info(let why): lastError = "\(node): \(why)"
                }
            }
            if !done { unread.append((key, lastError)) }
        }
        return unread
    }

    /// The lost appends of the closed history at `url`, one line each, or the reason it could not
    /// be judged.
    static func lostAppends(historyURL url: URL) -> Result<[LostAppend], WorkloadError> {
        do {
            let (_, history) = try HistoryVerdict.readHistory(url)
            return .success(try ListAppend.lostAppends(history: history))
        } catch let e as WorkloadError {
            return .failure(e)
        } catch {
            return .failure(WorkloadError("\(url.path): \(error)"))
        }
    }
}
