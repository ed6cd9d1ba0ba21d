import KeyValueStore
import RaftCore
import RaftStorage

/// `-l FILE` with a pyraft checkpoint: the file is parsed and mapped whole (PyraftSnapshot),
/// loaded into a fresh state machine, and turned into a snapshot image of this project under
/// the command line's founding members; the node then starts from that image as from any
/// snapshot file (with --data-dir it is stored there like one). Nothing is loaded when any
/// part of the file cannot be mapped.
enum PyraftSnapshotConversion {
    struct Converted {
        let image: SnapshotImage
        let metadata: SnapshotMetadata
        let summary: String
        let notes: [String]
    }

    /// Whether the file at `path` starts like pyraft's `repr` (a dict) rather than "RAFTSNP1".
    static func isPyraft(path: String) -> Bool {
        guard let source = try? SnapshotFiles.open(path: path), let size = try? source.size(),
              let head = try? source.read(count: min(64, size), at: 0) else { return false }
        return PyraftSnapshot.looksLikePyraft(head)
    }

    static func convert(path: String, configuration: Configuration) throws -> Converted {
        let text: [UInt8]
        do {
            let source = try SnapshotFiles.open(path: path)
            text = try source.read(count: try source.size(), at: 0)
        } catch {
            throw NodeOptionError("-l \(path): cannot read the file: \(error)")
        }
        let now = Int64(clock_gettime_realtime_millis())
        let snapshot: PyraftSnapshot
        do {
            snapshot = try PyraftSnapshot.parse(text, nowMilliseconds: now)
        } catch {
            throw NodeOptionError("-l \(path): \(error)")
        }
        let machine = KeyValueStateMachine()
        do { try snapshot.load(into: machine, nowMilliseconds: now) } catch { throw NodeOptionError("-l \(path): \(error)") }
        let metadata = SnapshotMetadata(index: LogIndex(snapshot.index), term: Term(snapshot.term), configuration: configuration)
        let built = try SnapshotImage.build(metadata: metadata) { sink in try machine.writeSnapshot(to: sink) }
        let image = SnapshotImage(bytes: built.bytes, name: path)
        let members = snapshot.ensemble.map { "\($0.id)=\($0.address)" }.joined(separator: " ")
        let summary = "-l \(path) is a pyraft checkpoint (index \(snapshot.index), term \(snapshot.term), its ensemble \(members)): "
            + "\(snapshot.keyCount) keys and tree nodes imported; the command line's members \(configuration.members.sorted()) replace its ensemble"
        return Converted(image: image, metadata: metadata, summary: summary, notes: snapshot.notes)
    }
}
