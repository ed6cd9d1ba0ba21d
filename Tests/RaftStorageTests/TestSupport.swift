import Glibc
import RaftCore
@testable import RaftStorage

/// A fresh directory under /tmp, removed by `cleanup()`.
struct TempDir {
    let path: String
    init(_ label: String = "wal") {
        var template = Array("/tmp/raftstorage-\(label)-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func cleanup() { _ = system("rm -rf '\(path)'") }
}

func readFile(_ path: String) throws -> [UInt8] {
    let h = try FileHandle(path: path, mode: .readOnly)
    return try h.read(count: try h.size(), at: 0)
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    _ = unlink(path)
    let h = try FileHandle(path: path, mode: .createNew)
    try h.write(bytes, at: 0)
}

func entries(_ range: ClosedRange<UInt64>, term: UInt64 = 1, size: Int = 10) -> [Entry] {
    range.map { i in Entry(term: Term(term), index: LogIndex(i), data: (0..<size).map { UInt8(truncatingIfNeeded: Int(i) &+ $0) }) }
}

/// The byte size of one entry record: framing header, type byte, entry encoding.
func entryRecordSize(dataSize: Int) -> Int { RecordFraming.headerSize + 1 + 21 + dataSize }

/// The `.corrupt` error `body` throws, or nil if it throws nothing (other errors are rethrown).
func corruption(_ body: () throws -> Void) throws -> (path: String, offset: Int, reason: String)? {
    do {
        try body()
        return nil
    } catch let error as StorageError {
        if case .corrupt(let path, let offset, let reason) = error { return (path, offset, reason) }
        throw error
    }
}
