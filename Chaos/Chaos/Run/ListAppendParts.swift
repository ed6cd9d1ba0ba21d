import Foundation

extension RunParts {
    /// `--workload list-append`: the Workload folder's `ListAppendDriver` against every node's
    /// client port, the list-append (serializability) check, the same report.
    public static let listAppend = RunParts(
        makeWorkload: { nodes, seed, history in
            let endpoints = nodes.map { ClientEndpoint(node: $0.id, host: "127.0.0.1", port: $0.clientPort) }
            return try ListAppendDriver(endpoints: endpoints, seed: seed, historyURL: history)
        },
        checkHistory: { history, _ in
            // Elle's inference is linear in the history: no budget is needed to bound it.
            let v = try TransactionVerdict.check(historyURL: history)
            return HistoryCheck(outcome: v.serializable ? .linearizable : .notLinearizable, explanation: v.explanation,
                                seconds: v.seconds, counts: (v.counts.ok, v.counts.fail, v.counts.info),
                                property: WorkloadKind.listAppend.property, anomalies: v.anomalies)
        },
        renderReport: { layout in try RunReport.render(layout: layout) }
    )

    /// The parts that drive and check `workload`.
    public static func forWorkload(_ workload: WorkloadKind) -> RunParts {
        switch workload {
        case .mixed: return .standard
        case .listAppend: return .listAppend
        }
    }
}
