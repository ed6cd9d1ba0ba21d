import Foundation

/// Makes `<root>/<UTC timestamp>/` (with a suffix if two runs start in the same second) and points
/// `<root>/latest` at it.
enum RunDirectoryMaker {
    static func make(under root: URL) throws -> RunLayout {
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = f.string(from: Date())
        var dir = root.appendingPathComponent(stamp)
        var n = 1
        while fm.fileExists(atPath: dir.path) {
            n += 1
            dir = root.appendingPathComponent("\(stamp)-\(n)")
        }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let latest = root.appendingPathComponent("latest")
        try? fm.removeItem(at: latest)
        try? fm.createSymbolicLink(atPath: latest.path, withDestinationPath: dir.lastPathComponent)
        return RunLayout(root: dir)
    }
}
