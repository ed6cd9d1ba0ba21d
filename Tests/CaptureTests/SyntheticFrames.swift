// Message builders for the capture tests: short names for the frames a cluster sends.
import PeerWire
import RaftCore

enum Wire {
    static func appendEntries(_ from: NodeID, _ to: NodeID, term: Term, prev: (UInt64, UInt64), commit: UInt64, entries: [(UInt64, UInt64, String)] = []) -> Frame {
        let es = entries.map { Entry(term: Term($0.1), index: LogIndex($0.0), kind: .normal, data: Array($0.2.utf8)) }
        return .message(Message(from: from, to: to, term: term, body: .appendEntries(AppendEntries(prevLogIndex: LogIndex(prev.0), prevLogTerm: Term(prev.1), entries: es, leaderCommit: LogIndex(commit)))))
    }

    static func vote(_ from: NodeID, _ to: NodeID, term: Term, granted: Bool = true) -> Frame {
        .message(Message(from: from, to: to, term: term, body: .requestVoteResponse(RequestVoteResponse(granted: granted, preVote: false))))
    }

    static func requestVote(_ from: NodeID, _ to: NodeID, term: Term) -> Frame {
        .message(Message(from: from, to: to, term: term, body: .requestVote(RequestVote(lastLogIndex: 0, lastLogTerm: 0, preVote: false))))
    }

    static func hello(_ id: NodeID) -> Frame { .handshake(Handshake(sender: id, clusterID: "test")) }
}
