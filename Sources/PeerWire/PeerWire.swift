// The peer protocol codec; see docs/peer-protocol.md.
import RaftCore
