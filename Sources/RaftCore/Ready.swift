// The batch the core hands to its shell (etcd-io/raft's Ready, with raft-rs's split between
// messages that may go now and those that may go only once the batch is durable).

/// The shell's obligations, in this order:
/// 1. send `messages` (they depend on nothing unpersisted);
/// 2. if `snapshot` is set, persist it (its bytes arrived beside an InstallSnapshot) and restore
///    the state machine from it;
/// 3. truncate the stable log from `entries.first.index` on, then append `entries`, and persist
///    `hardState` if set; make all of it durable (one fsync covers the batch) when `mustSync`
///    says so;
/// 4. only then send `messagesAfterPersist` (votes and append acknowledgements depend on it);
/// 5. apply `committedEntries` in order, and answer `readStates` once applied reaches their index;
/// 6. call `advance(_:)` with this Ready.
///
/// Notes for shells: `committedEntries` holds every committed entry in order, including the
/// leader's `.noop` entries and `.configuration` entries (data = `ConfChange.encoded`; the core
/// already uses each configuration from the moment it was appended, so a shell only updates
/// its address book from them); only `.normal` entries go to the state machine. A brand new
/// node's first Ready persists the founding configuration as committed entries (see
/// `RaftNode.init`). Call `ready()` again only after `advance(_:)`.
public struct Ready: Sendable {
    public var softState: SoftState?
    public var hardState: HardState?
    public var entries: [Entry]
    public var snapshot: SnapshotMetadata?
    public var messages: [Message]
    public var messagesAfterPersist: [Message]
    public var committedEntries: [Entry]
    public var readStates: [ReadState]
    /// Whether step 3 needs an fsync: it holds entries, a snapshot, or a new term or vote. A hard
    /// state whose only change is the commit index may be written without one (etcd-io/raft's
    /// MustSync): the entries it counts are durable already, since each Ready's entries are
    /// synced before the next Ready, and a commit index lost in a crash is learned again from
    /// the leader. Skipping that fsync takes one sync off every write's path to its reply.
    public var mustSync: Bool
    public init(
        softState: SoftState? = nil, hardState: HardState? = nil, entries: [Entry] = [],
        snapshot: SnapshotMetadata? = nil, messages: [Message] = [], messagesAfterPersist: [Message] = [],
        committedEntries: [Entry] = [], readStates: [ReadState] = [], mustSync: Bool = false
    ) {
        self.softState = softState
        self.hardState = hardState
        self.entries = entries
        self.snapshot = snapshot
        self.messages = messages
        self.messagesAfterPersist = messagesAfterPersist
        self.committedEntries = committedEntries
        self.readStates = readStates
        self.mustSync = mustSync
    }
    public var isEmpty: Bool {
        softState == nil && hardState == nil && entries.isEmpty && snapshot == nil && messages.isEmpty
            && messagesAfterPersist.isEmpty && committedEntries.isEmpty && readStates.isEmpty
    }
}
