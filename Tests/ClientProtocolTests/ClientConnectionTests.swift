import NIOCore
import NIOEmbedded
import RESP
import Testing
@testable import ClientProtocol

@Suite("Client connection: decoding and ordering")
struct ClientConnectionOrderingTests {
    @Test func answersRequestsDripFedOneByteAtATime() throws {
        let commands = ScriptedCommands()
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        for byte in bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nv\r\nx\r\nECHO \"a b\"\r\n") {
            try connection.send([byte])
        }
        #expect(commands.received == [["SET", "k", "v\r\nx"], ["ECHO", "a b"]])
        #expect(try connection.written() == "$10\r\nSET k v\r\nx\r\n$8\r\nECHO a b\r\n")
    }

    @Test func writesRepliesInRequestOrderWhenTheyCompleteOutOfOrder() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("GET a\r\nGET b\r\nGET c\r\n")
        #expect(commands.deferred.count == 3)

        commands.deferred[2].succeed(.bulk("c"))
        #expect(try connection.written() == "")
        commands.deferred[0].succeed(.bulk("a"))
        #expect(try connection.written() == "$1\r\na\r\n")
        commands.deferred[1].succeed(.bulk("b"))
        #expect(try connection.written() == "$1\r\nb\r\n$1\r\nc\r\n")
    }

    @Test func answersAFailedFutureWithAnErrorReply() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let commands = ScriptedCommands()
        commands.answerLater = true
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("GET a\r\n")
        commands.deferred[0].fail(Boom())
        #expect(try connection.written() == "-ERR boom\r\n")
        #expect(connection.isOpen)
    }
}

@Suite("Client connection: protocol version")
struct ClientConnectionVersionTests {
    @Test func helloSwitchesRepliesToRESP3FromItsOwnReplyOn() throws {
        let commands = ScriptedCommands()
        commands.answer = { args, context in
            if args[0] == "HELLO" {
                context.setProtocolVersion(.resp3)
                return .map([.init(.bulk("proto"), .integer(3))])
            }
            return .map([.init(.bulk("v"), .boolean(context.protocolVersion == .resp3))])
        }
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("GET\r\nHELLO 3\r\nGET\r\n")
        #expect(try connection.written() == "*2\r\n$1\r\nv\r\n:0\r\n%1\r\n$5\r\nproto\r\n:3\r\n%1\r\n$1\r\nv\r\n#t\r\n")
    }

    @Test func aPipelinedHelloLeavesEarlierRepliesInRESP2EvenIfTheyCompleteLater() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        var versionsSeen: [RESPVersion] = []
        commands.onCommand = { args, context in
            if args[0] == "HELLO" { context.setProtocolVersion(.resp3) }
            versionsSeen.append(context.protocolVersion)
        }
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("GET\r\nHELLO 3\r\nGET\r\n")
        #expect(versionsSeen == [.resp2, .resp3, .resp3])
        commands.deferred[2].succeed(.null)
        commands.deferred[1].succeed(.map([.init(.bulk("proto"), .integer(3))]))
        #expect(try connection.written() == "")
        commands.deferred[0].succeed(.null)
        #expect(try connection.written() == "$-1\r\n%1\r\n$5\r\nproto\r\n:3\r\n_\r\n")
    }
}

@Suite("Client connection: errors, limits and closing")
struct ClientConnectionPolicyTests {
    @Test func protocolErrorIsAnsweredAfterOwedRepliesThenTheConnectionCloses() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("PING\r\n*1\r\nfoo\r\nPING\r\n")
        #expect(commands.received == [["PING"]])
        #expect(try connection.written() == "")
        #expect(connection.isOpen)
        commands.deferred[0].succeed(.simpleString("PONG"))
        #expect(try connection.written() == "+PONG\r\n-ERR Protocol error: expected '$', got 'f'\r\n")
        #expect(!connection.isOpen)
    }

    @Test func oversizedBulkIsRejectedWithRedisErrorAndClose() throws {
        let commands = ScriptedCommands()
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("*1\r\n$536870913\r\n")
        #expect(try connection.written() == "-ERR Protocol error: invalid bulk length\r\n")
        #expect(!connection.isOpen)
        #expect(commands.received.isEmpty)
    }

    @Test func tooBigInlineRequestIsRejected() throws {
        let commands = ScriptedCommands()
        let connection = try TestConnection(commands, configuration: .init(limits: .init(maxInlineLength: 16)))
        defer { connection.finish() }
        try connection.send(String(repeating: "x", count: 17))
        #expect(try connection.written() == "-ERR Protocol error: too big inline request\r\n")
        #expect(!connection.isOpen)
    }

    @Test func unbalancedQuotesAreRejected() throws {
        let connection = try TestConnection(ScriptedCommands())
        defer { connection.finish() }
        try connection.send("SET \"a b\r\n")
        #expect(try connection.written() == "-ERR Protocol error: unbalanced quotes in request\r\n")
        #expect(!connection.isOpen)
    }

    @Test func quitClosesAfterItsReplyAndIgnoresLaterRequests() throws {
        let commands = ScriptedCommands()
        commands.answer = { args, context in
            if args[0] == "QUIT" { context.closeAfterReply() }
            return .ok
        }
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("QUIT\r\nSET a b\r\n")
        #expect(commands.received == [["QUIT"]])
        #expect(try connection.written() == "+OK\r\n")
        #expect(!connection.isOpen)
    }

    @Test func halfClosedClientGetsEveryReplyThenTheConnectionCloses() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        let connection = try TestConnection(commands)
        defer { connection.finish() }
        try connection.send("GET a\r\nGET b\r\nGET partial")
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        connection.channel.embeddedEventLoop.run()
        #expect(connection.isOpen)
        commands.deferred[1].succeed(.bulk("b"))
        commands.deferred[0].succeed(.bulk("a"))
        #expect(try connection.written() == "$1\r\na\r\n$1\r\nb\r\n")
        #expect(!connection.isOpen)
        #expect(commands.received == [["GET", "a"], ["GET", "b"]])
    }

    @Test func halfClosedClientOwedNothingIsClosedAtOnce() throws {
        let connection = try TestConnection(ScriptedCommands())
        defer { connection.finish() }
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        connection.channel.embeddedEventLoop.run()
        #expect(!connection.isOpen)
    }

    @Test func clientThatNeverReadsIsClosedAtTheUnsentBytesCap() throws {
        let commands = ScriptedCommands()
        let payload = String(repeating: "v", count: 300)
        commands.answer = { _, _ in .bulk(payload) }
        let socket = StallingSocket()
        let configuration = ClientProtocolConfiguration(maxUnsentReplyBytes: 1000, pauseReadingAboveUnsentBytes: 500)
        let connection = try TestConnection(commands, configuration: configuration, front: [socket])
        defer { connection.finish() }
        // One read's requests run together; their replies pass the cap.
        try connection.send("GET 1\r\nGET 2\r\nGET 3\r\nGET 4\r\n")
        #expect(!connection.isOpen)
        #expect(socket.heldBytes == 4 * 308)
    }

    @Test func requestsFromAClientThatNeverReadsAreHeldNotRun() throws {
        let commands = ScriptedCommands()
        let payload = String(repeating: "v", count: 300)
        commands.answer = { _, _ in .bulk(payload) }
        let socket = StallingSocket()
        let configuration = ClientProtocolConfiguration(maxUnsentReplyBytes: 1000, pauseReadingAboveUnsentBytes: 500)
        let connection = try TestConnection(commands, configuration: configuration, front: [socket])
        defer { connection.finish() }
        try connection.send("GET 1\r\nGET 2\r\nGET 3\r\n")
        #expect(socket.heldBytes == 3 * 308)
        // Saturated: later requests wait (ClientRequestGate) instead of piling up replies.
        for i in 4...20 { try connection.send("GET \(i)\r\n") }
        #expect(connection.isOpen)
        #expect(socket.heldBytes == 3 * 308)
        #expect(commands.received.count == 3)
    }

    @Test func aHalfClosedConnectionClosesOnlyOnceItsShortRepliesAreWritten() throws {
        // Short replies go out without a completion promise (nothing counted is unsent); the
        // close that half-close asks for must still wait until they have left.
        let commands = ScriptedCommands()
        commands.answer = { _, _ in .ok }
        let socket = StallingSocket()
        let connection = try TestConnection(commands, front: [socket])
        defer { connection.finish() }
        try connection.send("SET a 1\r\nSET b 2\r\n")
        #expect(socket.heldBytes == 10, "two +OK replies, in the socket's buffer")
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        connection.channel.embeddedEventLoop.run()
        #expect(connection.isOpen, "the replies are not written yet")
        socket.release()
        connection.channel.embeddedEventLoop.run()
        #expect(!connection.isOpen)
    }

    @Test func shortRepliesAreCountedOnceTheSocketStopsTakingThem() throws {
        let commands = ScriptedCommands()
        commands.answer = { _, _ in .bulk(String(repeating: "v", count: 100)) }
        let socket = StallingSocket()
        let counter = ReadCounter()
        let configuration = ClientProtocolConfiguration(maxUnsentReplyBytes: 10_000, pauseReadingAboveUnsentBytes: 250)
        let connection = try TestConnection(commands, configuration: configuration, front: [socket, counter])
        defer { connection.finish() }
        connection.channel.isWritable = false  // NIO holds more than its high-water mark
        for i in 1...3 { try connection.send("GET \(i)\r\n") }
        connection.channel.read()
        #expect(counter.reads == 0, "324 unsent bytes counted: reading pauses above 250")
        #expect(socket.heldBytes == 3 * 108)
        socket.release()
        connection.channel.embeddedEventLoop.run()
        #expect(counter.reads == 1, "written: the held read goes out")
    }

    @Test func readingPausesWhileTooManyRequestsAreInFlight() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        let counter = ReadCounter()
        let connection = try TestConnection(commands, configuration: .init(maxInFlightCommands: 2), front: [counter])
        defer { connection.finish() }
        try connection.send("GET a\r\n")
        connection.channel.read()
        #expect(counter.reads == 1)
        try connection.send("GET b\r\n")
        connection.channel.read()
        #expect(counter.reads == 1, "the read must be held while 2 replies are owed")
        commands.deferred[0].succeed(.ok)
        connection.channel.embeddedEventLoop.run()
        #expect(counter.reads == 2, "the held read goes out once a reply is written")
    }

    @Test func readingPausesWhileTooManyReplyBytesAreUnsent() throws {
        let commands = ScriptedCommands()
        commands.answer = { _, _ in .bulk(String(repeating: "x", count: 600)) }
        let socket = StallingSocket()
        let counter = ReadCounter()
        let configuration = ClientProtocolConfiguration(maxUnsentReplyBytes: 10_000, pauseReadingAboveUnsentBytes: 500)
        let connection = try TestConnection(commands, configuration: configuration, front: [socket, counter])
        defer { connection.finish() }
        try connection.send("GET a\r\n")
        connection.channel.read()
        #expect(counter.reads == 0)
        #expect(connection.isOpen)
    }

    @Test func idleConnectionIsClosedOnlyWhenNothingIsOwed() throws {
        let commands = ScriptedCommands()
        commands.answerLater = true
        let connection = try TestConnection(commands, configuration: .init(idleTimeout: .seconds(5)))
        defer { connection.finish() }
        try connection.send("GET a\r\n")
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(connection.isOpen, "a reply is still owed")
        commands.deferred[0].succeed(.ok)
        #expect(try connection.written() == "+OK\r\n")
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!connection.isOpen)
    }

    @Test func withoutIdleTimeoutASilentConnectionStaysOpen() throws {
        let connection = try TestConnection(ScriptedCommands())
        defer { connection.finish() }
        connection.channel.embeddedEventLoop.advanceTime(by: .hours(10))
        #expect(connection.isOpen)
    }
}
