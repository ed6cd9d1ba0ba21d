import ServiceLifecycle

// The convention of Swift servers (swift-service-lifecycle): the node is a `Service`, so an
// application puts it in its ServiceGroup beside its own services and the group starts it, and
// shuts it down, with the rest. `run()` (RaftServer.swift) starts the node unless started, runs
// until it stops, and turns the group's graceful shutdown (SIGTERM, SIGINT, or another service
// ending) and task cancellation into `shutdown()`: requests drained, a leader hands over first,
// the log made durable. raft-node runs itself in such a group (RaftNodeCommand.swift).
extension RaftServer: Service {
    /// The node's entry for a ServiceGroup: when the node stops on its own (the SHUTDOWN
    /// command), the rest of the group shuts down gracefully too and the group's `run()`
    /// returns normally (a plain `Service` entry would make it throw "finished unexpectedly").
    public var serviceConfiguration: ServiceGroupConfiguration.ServiceConfiguration {
        ServiceGroupConfiguration.ServiceConfiguration(service: self, successTerminationBehavior: .gracefullyShutdownGroup)
    }
}
