import Foundation

/// Finds scenario files: by path, or by name in Chaos/scenarios/ (`<name>.scenario`). The folder
/// is looked for where this source tree is, then under the current directory, then beside the
/// executable's .build folder, so `raft-chaos run --scenario partitions` works from a clone.
public enum ScenarioLibrary {
    public static let fileExtension = "scenario"

    public static var directory: URL? {
        let fm = FileManager.default
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios")
        let fromWorkingDirectory = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Chaos/scenarios")
        // .build/<config>/raft-chaos -> the package root
        let fromExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Chaos/scenarios")
        return [fromSource, fromWorkingDirectory, fromExecutable].first { fm.fileExists(atPath: $0.path) }
    }

    /// Every shipped scenario, by name.
    public static func all() throws -> [Scenario] {
        guard let dir = directory else { throw ScenarioError(file: "Chaos/scenarios", line: nil, message: "scenario folder not found") }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return try names.filter { $0.hasSuffix("." + fileExtension) }.sorted().map { try load(path: dir.appendingPathComponent($0).path) }
    }

    /// `nameOrPath`: a shipped scenario's name, or a file's path (anything with a slash or the extension).
    public static func load(_ nameOrPath: String) throws -> Scenario {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix("." + fileExtension) { return try load(path: nameOrPath) }
        guard let dir = directory else {
            throw ScenarioError(file: nameOrPath, line: nil, message: "scenario folder Chaos/scenarios not found; give a path instead")
        }
        let path = dir.appendingPathComponent("\(nameOrPath).\(fileExtension)").path
        guard FileManager.default.fileExists(atPath: path) else {
            let known = ((try? all()) ?? []).map(\.name).joined(separator: ", ")
            throw ScenarioError(file: nameOrPath, line: nil, message: "no such scenario; known: \(known)")
        }
        return try load(path: path)
    }

    /// The file `load(nameOrPath)` reads, when it exists.
    public static func path(of nameOrPath: String) -> String? {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix("." + fileExtension) { return nameOrPath }
        return directory.map { $0.appendingPathComponent("\(nameOrPath).\(fileExtension)").path }
    }

    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, line: nil, message: "cannot read the file")
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try ScenarioParser.parse(String(decoding: data, as: UTF8.self), name: name, file: path)
    }
}
