import Foundation
import Linearizability

/// One client: a thread that runs operations against one node, one at a time, until told to
/// stop. Blocking sockets with hard time bounds (RESPConnection) keep it simple and never stuck.
final class WorkloadClient: @unchecked Sendable {
    let endpoint: ClientEndpoint
    private let options: WorkloadOptions
    private let keys: KeySpace
    private let recorder: HistoryRecorder
    private var planner: OperationPlanner
    private let stopping: StopSignal
    private let connection: NodeConnection

    init(endpoint: ClientEndpoint, seed: UInt64, options: WorkloadOptions, keys: KeySpace, recorder: HistoryRecorder, stopping: StopSignal) {
        self.endpoint = endpoint
        self.options = options
        self.keys = keys
        self.recorder = recorder
        self.stopping = stopping
        connection = NodeConnection(endpoint: endpoint, timeout: options.clientTimeout)
        planner = OperationPlanner(seed: seed, mix: options.mix)
    }

    func run() {
        var process = recorder.newProcess()
        while !stopping.isSet {
            guard let c = connected() else {
                pause(options.reconnectDelay)
                continue
            }
            let op = planner.next(in: keys)
            if op.workload == .set, case .int(let e) = op.argument { keys.noteAttempt(key: op.key, element: e) }
            let id = recorder.invoke(process: process, node: endpoint.node, op)
            let completion: Completion
            do {
                completion = op.complete(with: try c.call(op.command, timeout: options.clientTimeout))
            } catch {
                // The request may have arrived and a late reply would answer the next one: drop the connection.
                drop()
                completion = op.isRead ? .fail(error.description) : .info(error.description)
            }
            recorder.complete(process: process, node: endpoint.node, id: id, op, completion)
            switch completion {
            case .ok(let value):
                planner.observe(op, result: value)
                if op.workload == .set, case .int(let e) = op.argument { keys.noteAcknowledged(key: op.key, element: e) }
                if options.thinkTime > 0 { pause(options.thinkTime) }
            case .fail:
                pause(options.reconnectDelay)
            case .info:
                process = recorder.newProcess()  // the old operation may still be in flight
                pause(options.reconnectDelay)
            }
        }
        drop()
    }

    private func connected() -> RESPConnection? { connection.connected() }
    private func drop() { connection.drop() }

    /// Sleeps, but wakes early when the workload stops.
    private func pause(_ seconds: Double) {
        guard seconds > 0 else { return }
        stopping.wait(seconds: seconds)
    }
}

/// Set once, when the workload stops; clients poll it and sleep on it.
final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var set = false

    var isSet: Bool {
        condition.lock()
        defer { condition.unlock() }
        return set
    }

    func fire() {
        condition.lock()
        set = true
        condition.broadcast()
        condition.unlock()
    }

    func wait(seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        let until = Date().addingTimeInterval(seconds)
        while !set && Date() < until { _ = condition.wait(until: until) }
    }
}
