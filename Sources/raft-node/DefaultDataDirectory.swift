import RaftCore
import RaftStorage

#if canImport(Glibc)
import Glibc
#endif

/// Where a node keeps its log when the command line names no directory: durable by default,
/// in `raft-node-<id>` under the working directory (pyraft writes its files there, etcd its
/// `NAME.etcd`), so a voter never restarts with amnesia by accident. Memory only is a choice
/// made out loud with `--in-memory`.
enum DefaultDataDirectory {
    static func path(for id: NodeID) -> String {
        let name = "raft-node-" + SnapshotStore.sanitize(id)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return name }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd == "/" ? "/" + name : cwd + "/" + name
    }
}
