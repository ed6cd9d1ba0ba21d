// Parse throughput of the RESP request parser (not a test: timing is measured, never asserted).
//   swift build -c release --product resp-bench && .build/release/resp-bench [commands] [rounds]
// Feeds N pipelined requests in 16 KiB pieces, as socket reads would deliver them, and
// reports commands per second (best and median of the rounds).
//   .build/release/resp-bench serve PORT   (a toy SET/GET server on the client-port handlers)
import RESP

if CommandLine.arguments.count > 2, CommandLine.arguments[1] == "serve" {
    try ServeMode.run(port: Int(CommandLine.arguments[2]) ?? 7379)
}

let commandCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 7 : 7
let chunkSize = 16 * 1024

func pipeline(_ one: String) -> [UInt8] {
    let bytes = Array(one.utf8)
    var all: [UInt8] = []
    all.reserveCapacity(bytes.count * commandCount)
    for _ in 0..<commandCount { all += bytes }
    return all
}

/// The NIO handler's path: parser over the unconsumed bytes of one growing buffer.
func parseWithParser(_ input: [UInt8]) -> Int {
    var parser = RESPRequestParser()
    var commands = 0
    var start = 0
    var available = 0
    input.withUnsafeBytes { all in
        while available < all.count {
            available = min(available + chunkSize, all.count)
            while true {
                let (consumed, step) = parser.parse(UnsafeRawBufferPointer(rebasing: all[start..<available]))
                start += consumed
                if case .command(let args) = step {
                    commands += args.count == 3 ? 1 : 0
                } else {
                    break
                }
            }
        }
    }
    return commands
}

/// The pure path: RESPRequestDecoder with its own buffer (one extra copy per byte).
func parseWithDecoder(_ input: [UInt8]) -> Int {
    var decoder = RESPRequestDecoder()
    var commands = 0
    var offset = 0
    while offset < input.count {
        let end = min(offset + chunkSize, input.count)
        decoder.append(input[offset..<end])
        offset = end
        while let args = try? decoder.next() { commands += args.count == 3 ? 1 : 0 }
    }
    return commands
}

func measure(_ name: String, _ input: [UInt8], _ body: ([UInt8]) -> Int) {
    var rates: [Double] = []
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        var parsed = 0
        let elapsed = clock.measure { parsed = body(input) }
        precondition(parsed == commandCount, "\(name): parsed \(parsed) of \(commandCount)")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        rates.append(Double(commandCount) / seconds)
    }
    rates.sort()
    let mb = Double(input.count) / 1_048_576
    print(
        "\(name): best \(Int(rates.last!)) cmd/s, median \(Int(rates[rates.count / 2])) cmd/s"
            + " (\(commandCount) commands, \(Int(mb)) MiB, \(rounds) rounds)")
}

let multibulk = pipeline("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
let inline = pipeline("SET key value\r\n")
measure("multibulk SET key value, RESPRequestParser", multibulk, parseWithParser)
measure("multibulk SET key value, RESPRequestDecoder", multibulk, parseWithDecoder)
measure("inline    SET key value, RESPRequestParser", inline, parseWithParser)
