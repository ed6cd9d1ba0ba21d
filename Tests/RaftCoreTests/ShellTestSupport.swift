// What the shell's unit tests share.
import RaftCore
import RaftShell

/// Runs Readies with an instant disk until none is left; returns every action handed out.
func settle(_ shell: inout NodeShell, now: UInt64 = 0) -> [ShellAction] {
    var all: [ShellAction] = []
    for _ in 0..<20 where shell.hasWork {
        var actions = shell.ready(now: now)
        while true {
            all += actions
            guard actions.contains(where: { if case .persist = $0 { true } else { false } }) else { break }
            actions = shell.persisted(now: now)
        }
    }
    return all
}
