// The one way to switch a planted fault on: a call whose name says what it does, so an
// embedder's configuration cannot break the node by a stray assignment and a reader of the
// call site sees it at once.

extension RaftServerOptions {
    /// Breaks the node's correctness on purpose (`UnsafeFault` says how), so that chaos tooling can
    /// prove it notices. Never on a node that holds data anyone cares about. raft-node calls it for
    /// `--unsafe-fault NAME` and logs a warning per fault at start-up.
    public mutating func unsafelyEnable(_ fault: UnsafeFault) {
        unsafeFaults.insert(fault)
    }
}
