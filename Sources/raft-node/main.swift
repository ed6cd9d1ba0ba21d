print("raft-node: not built yet")
