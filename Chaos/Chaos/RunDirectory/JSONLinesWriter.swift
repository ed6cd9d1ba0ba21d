import Foundation

/// Appends one JSON value per line to a file, from any thread. Each line is written whole and
/// at once, so a run cut short leaves a readable file up to its last complete line.
public final class JSONLinesWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let encoder: JSONEncoder

    public init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func append<T: Encodable>(_ value: T) {
        guard var data = try? encoder.encode(value) else { return }
        data.append(UInt8(ascii: "\n"))
        lock.lock()
        handle.write(data)
        lock.unlock()
    }

    public func close() {
        lock.lock()
        try? handle.close()
        lock.unlock()
    }
}
