/// Incremental parser for client requests: RESP2 multibulk (`*N` then N `$len` bulk strings,
/// binary-safe) and inline commands as typed in telnet.
///
/// It keeps its place between calls, so a request that arrives in pieces is never re-parsed
/// from the start: completed arguments are consumed from the input as soon as they are whole,
/// a `$len` header is read once, and the search for a line end resumes where it stopped.
///
/// Contract: call `parse(_:)` with the unconsumed input; it returns how many bytes at the front
/// it consumed, which the caller must drop before the next call (and keep the rest, unchanged,
/// at the front of the next input). After a protocol error the parser is failed for good: the
/// connection must be closed, as Redis does, and further input is discarded.
public struct RESPRequestParser: Sendable {
    public enum Step: Sendable, Hashable {
        /// One whole request: the command name and its arguments.
        case command([[UInt8]])
        /// The input holds no whole request yet (the consumed prefix is remembered).
        case needMoreData
        /// The input is not RESP; reply `error.reply` and close the connection.
        case protocolError(RESPProtocolError)
    }

    private enum State: Sendable {
        case idle
        /// Inside a multibulk: `remaining` bulk strings still to come.
        case awaitingBulkHeader(remaining: Int)
        /// A `$length` header was read; waiting for `length` bytes and CRLF.
        case awaitingBulkPayload(length: Int, remaining: Int)
        case failed
    }

    public let limits: RESPRequestLimits
    private var state: State = .idle
    private var arguments: [[UInt8]] = []
    /// Sum of the bulk lengths announced so far in the current multibulk request.
    private var requestBytes = 0
    /// Bytes at the front of the unconsumed input already searched for a line end (without
    /// finding one), so the next search starts after them.
    private var scanned = 0

    public init(limits: RESPRequestLimits = .redis) {
        self.limits = limits
    }

    /// True once a protocol error was reported.
    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// True when part of a request has been consumed but the request is not complete.
    public var isMidRequest: Bool {
        switch state {
        case .awaitingBulkHeader, .awaitingBulkPayload: return true
        case .idle, .failed: return false
        }
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, step: Step) {
        let end = bytes.count
        var pos = 0
        while true {
            switch state {
            case .failed:
                return (end, .needMoreData)

            case .idle:
                guard pos < end else { return (pos, .needMoreData) }
                if bytes[pos] == UInt8(ascii: "*") {
                    let header = readHeaderLine(bytes, from: pos, end: end)
                    switch header {
                    case .incomplete:
                        if end - pos > limits.maxInlineLength + 1 { return fail(.tooBigMultibulkCount, end) }
                        return (pos, .needMoreData)
                    case .line(let cr):
                        if cr - pos > limits.maxInlineLength { return fail(.tooBigMultibulkCount, end) }
                        guard let count = parseRedisInteger(bytes, pos + 1, cr),
                            count <= Int64(limits.maxMultibulkLength)
                        else { return fail(.invalidMultibulkLength, end) }
                        pos = cr + 2
                        // Redis ignores `*0` and negative counts: no command, keep reading.
                        if count <= 0 { continue }
                        arguments = []
                        requestBytes = 0
                        // Never trust the count for allocation: it costs the client nothing.
                        arguments.reserveCapacity(min(Int(count), 64))
                        state = .awaitingBulkHeader(remaining: Int(count))
                    }
                } else {
                    switch parseInline(bytes, from: pos, end: end) {
                    case .incomplete:
                        return (pos, .needMoreData)
                    case .error(let error):
                        return fail(error, end)
                    case .empty(let next):
                        pos = next
                    case .command(let args, let next):
                        return (next, .command(args))
                    }
                }

            case .awaitingBulkHeader(let remaining):
                guard pos < end else { return (pos, .needMoreData) }
                guard bytes[pos] == UInt8(ascii: "$") else {
                    return fail(.expectedDollar(got: bytes[pos]), end)
                }
                switch readHeaderLine(bytes, from: pos, end: end) {
                case .incomplete:
                    if end - pos > limits.maxInlineLength + 1 { return fail(.tooBigBulkCount, end) }
                    return (pos, .needMoreData)
                case .line(let cr):
                    if cr - pos > limits.maxInlineLength { return fail(.tooBigBulkCount, end) }
                    guard let length = parseRedisInteger(bytes, pos + 1, cr), length >= 0,
                        length <= Int64(limits.maxBulkLength)
                    else { return fail(.invalidBulkLength, end) }
                    // Checked from the header, before any of the payload is buffered.
                    requestBytes += Int(length)
                    if requestBytes > limits.maxRequestBytes { return fail(.tooBigRequest(limit: limits.maxRequestBytes), end) }
                    pos = cr + 2
                    state = .awaitingBulkPayload(length: Int(length), remaining: remaining)
                }

            case .awaitingBulkPayload(let length, let remaining):
                // Like Redis, the two bytes after the payload are taken as CRLF unchecked.
                guard end - pos >= length + 2 else { return (pos, .needMoreData) }
                arguments.append(Array(UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + length)])))
                pos += length + 2
                if remaining == 1 {
                    state = .idle
                    let command = arguments
                    arguments = []
                    return (pos, .command(command))
                }
                state = .awaitingBulkHeader(remaining: remaining - 1)
            }
        }
    }

    private mutating func fail(_ error: RESPProtocolError, _ end: Int) -> (consumed: Int, step: Step) {
        state = .failed
        arguments = []
        scanned = 0
        return (end, .protocolError(error))
    }

    private enum HeaderLine {
        case incomplete
        /// Index of the '\r' ending the header; the byte after it is present.
        case line(cr: Int)
    }

    /// Finds the '\r' ending a `*N` or `$N` line starting at `start`, resuming the search where
    /// the previous call stopped. Like Redis, the byte after '\r' is taken as '\n' unchecked.
    private mutating func readHeaderLine(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int) -> HeaderLine {
        let searchFrom = start + max(1, scanned)
        guard let cr = firstIndex(of: UInt8(ascii: "\r"), in: bytes, from: searchFrom, to: end) else {
            scanned = end - start
            return .incomplete
        }
        guard cr + 1 < end else {
            scanned = cr - start
            return .incomplete
        }
        scanned = 0
        return .line(cr: cr)
    }

    private enum InlineOutcome {
        case incomplete
        case error(RESPProtocolError)
        case empty(next: Int)
        case command([[UInt8]], next: Int)
    }

    private mutating func parseInline(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int) -> InlineOutcome {
        guard let newline = firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: start + scanned, to: end) else {
            if end - start > limits.maxInlineLength { return .error(.tooBigInlineRequest) }
            scanned = end - start
            return .incomplete
        }
        scanned = 0
        // The limit counts the line with its '\r', so the verdict never depends on where the
        // input was split (Redis checks only while no newline has arrived).
        if newline - start > limits.maxInlineLength { return .error(.tooBigInlineRequest) }
        var lineEnd = newline
        if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        guard let args = InlineCommandSplitter.split(bytes, from: start, to: lineEnd) else {
            return .error(.unbalancedQuotes)
        }
        if args.isEmpty {
            // A blank line is skipped, as in Redis. A line that only looked blank because a NUL
            // byte cut it short (binary garbage) gets an error instead of silence.
            for i in start..<lineEnd where !InlineCommandSplitter.isSpace(bytes[i]) {
                return .error(.nulInInlineRequest)
            }
            return .empty(next: newline + 1)
        }
        return .command(args, next: newline + 1)
    }
}
