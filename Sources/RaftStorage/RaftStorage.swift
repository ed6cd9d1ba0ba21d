// Write-ahead log and snapshot files.
import RaftCore
