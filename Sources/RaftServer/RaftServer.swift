// The node: drives RaftCore, storage and the two listeners.
import RaftCore
