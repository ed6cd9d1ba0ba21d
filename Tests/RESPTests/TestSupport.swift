@testable import RESP

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
func args(_ parts: String...) -> [[UInt8]] { parts.map { Array($0.utf8) } }


enum DecodeOutcome: Equatable {
    case commands([[[UInt8]]])
    case error([[[UInt8]]], String)
}

/// Feeds `input` in the given chunks and collects every request and the first error.
func decodeRequests(_ chunks: [[UInt8]], limits: RESPRequestLimits = .redis) -> DecodeOutcome {
    var decoder = RESPRequestDecoder(limits: limits)
    var commands: [[[UInt8]]] = []
    for chunk in chunks {
        decoder.append(chunk)
        do {
            while let command = try decoder.next() { commands.append(command) }
        } catch {
            return .error(commands, error.message)
        }
    }
    return .commands(commands)
}

func decodeRequests(_ input: [UInt8], limits: RESPRequestLimits = .redis) -> DecodeOutcome {
    decodeRequests([input], limits: limits)
}

func decodeRequests(_ input: String) -> DecodeOutcome { decodeRequests(bytes(input)) }

/// Splits `input` in two at every index, and also one byte at a time.
func everySplit(_ input: [UInt8]) -> [[[UInt8]]] {
    var splits: [[[UInt8]]] = (0...input.count).map { [Array(input[..<$0]), Array(input[$0...])] }
    splits.append(input.map { [$0] })
    return splits
}

func multibulk(_ parts: [[UInt8]]) -> [UInt8] {
    var out = bytes("*\(parts.count)\r\n")
    for p in parts { out += bytes("$\(p.count)\r\n") + p + bytes("\r\n") }
    return out
}
