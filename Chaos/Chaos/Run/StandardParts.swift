import Foundation

extension RunParts {
    /// The real thing: the Workload folder's `WorkloadDriver` against every node's client port,
    /// `HistoryVerdict` for the check, `RunReport` for report.html.
    public static let standard = RunParts(
        makeWorkload: { nodes, seed, history in
            let endpoints = nodes.map { ClientEndpoint(node: $0.id, host: "127.0.0.1", port: $0.clientPort) }
            return WorkloadAdapter(try WorkloadDriver(endpoints: endpoints, seed: seed, historyURL: history))
        },
        checkHistory: { history, budget in
            let v = try HistoryVerdict.check(historyURL: history, budget: budget)
            let outcome: HistoryCheck.Outcome
            switch v.outcome {
            case .linearizable: outcome = .linearizable
            case .notLinearizable: outcome = .notLinearizable
            case .unknown: outcome = .unknown
            }
            return HistoryCheck(outcome: outcome, explanation: v.explanation, seconds: v.seconds,
                                counts: (v.counts.ok, v.counts.fail, v.counts.info))
        },
        // Until Chaos/Chaos/Report lands from h/chaos-work the run says it wrote no report.
        renderReport: { _ in throw ClusterError("report.html not written: the report renderer (Chaos/Chaos/Report) is not in this build yet") }
    )
}

/// `WorkloadDriver` as the run sees it.
final class WorkloadAdapter: RunWorkload, @unchecked Sendable {
    let driver: WorkloadDriver
    init(_ driver: WorkloadDriver) { self.driver = driver }

    func start() throws { try driver.start() }

    func progressCounts() -> (ok: Int, fail: Int, info: Int) {
        let c = driver.counts()
        return (c.ok, c.fail, c.info)
    }

    func stop() async { await driver.stop() }

    /// Lost acknowledged adds are the violation; elements nobody added, elements read twice and
    /// a node whose sets could not be read after recovery are violations too.
    func finalRead() async -> (lost: [String], summary: String) {
        let r = await driver.finalSetRead()
        let problems = r.lost.map { "lost \($0)" } + r.unexpected.map { "unexpected \($0)" }
            + r.duplicated.map { "duplicated \($0)" } + r.unreadable.map { "unreadable \($0)" }
        return (problems, r.summary)
    }
}
