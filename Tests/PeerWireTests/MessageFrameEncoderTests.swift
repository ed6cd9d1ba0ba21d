import RaftCore
import Testing
@testable import PeerWire

/// A leader's batch: the same new entries to several followers (encoded once), a follower that
/// lags (other entries), a heartbeat and a vote in between.
@Test func aBatchEncodedWithSharedEntriesIsByteForByteWhatEachFrameEncodesAlone() throws {
    let fresh = (5...7).map { Entry(term: Term(2), index: LogIndex(UInt64($0)), data: Array("SET k\($0) v".utf8)) }
    let older = (3...7).map { Entry(term: Term($0 < 5 ? 1 : 2), index: LogIndex(UInt64($0)), data: Array("e\($0)".utf8)) }
    func append(to: String, prev: UInt64, _ es: [Entry], commit: UInt64 = 4) -> Message {
        Message(from: NodeID("1"), to: NodeID(to), term: Term(2), body: .appendEntries(
            AppendEntries(prevLogIndex: LogIndex(prev), prevLogTerm: Term(prev < 5 ? 1 : 2), entries: es, leaderCommit: LogIndex(commit))))
    }
    let batch: [Message] = [
        append(to: "2", prev: 4, fresh),
        append(to: "3", prev: 4, fresh),
        append(to: "4", prev: 2, older),  // a laggard: its own entries
        append(to: "5", prev: 4, fresh, commit: 5),  // the shared entries again after another set
        append(to: "2", prev: 7, []),  // a heartbeat
        Message(from: NodeID("1"), to: NodeID("3"), term: Term(2), body: .requestVoteResponse(RequestVoteResponse(granted: true, preVote: false))),
        append(to: "3", prev: 4, Array(fresh.prefix(2))),  // same start, fewer entries: not the same
    ]
    var encoder = MessageFrameEncoder()
    for m in batch {
        let shared = encoder.encode(.message(m))
        #expect(shared == FrameCodec.encode(.message(m)), "\(m)")
        #expect(try FrameCodec.decode(shared) == .message(m))
    }
}

@Test func framesOtherThanMessagesPassThroughTheBatchEncoderUnchanged() {
    var encoder = MessageFrameEncoder()
    let frame = Frame.forwardResponse(ForwardResponse(requestID: 9, reply: Array("+OK\r\n".utf8)))
    #expect(encoder.encode(frame) == FrameCodec.encode(frame))
}
