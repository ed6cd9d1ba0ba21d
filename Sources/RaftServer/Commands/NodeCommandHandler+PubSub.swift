import KeyValueStore
import NIOCore
import RESP

// SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE and PUBSUB at the connection; PUBLISH is
// a data command through the log (KeyValueStore's PubSubCommands), delivered by PubSubHub.
// Confirmations and messages are push replies: `>` in RESP3, plain arrays in RESP2.
extension NodeCommandHandler {
    func subscriptionCommand(_ command: ResolvedCommand, session: ClientSession, context: ClientRequestContext) -> RESPValue {
        let arguments = command.arguments, name = command.name
        let hub = driver.pubSub
        let id = context.connection.id
        if !session.releasesSubscriptionsOnClose {
            session.releasesSubscriptionsOnClose = true
            session.whenClosed { [unowned session] in
                for c in session.channels { hub.unsubscribe(id, channel: c) }
                for p in session.patterns { hub.punsubscribe(id, pattern: p) }
                session.channels = []
                session.patterns = []
            }
        }
        let patterns = name.hasPrefix("p")
        let subscribing = name == "subscribe" || name == "psubscribe"
        var names = arguments.dropFirst().map(ByteKey.init)
        if !subscribing && names.isEmpty {
            names = (patterns ? session.patterns : session.channels).sorted()
        }
        var replies: [RESPValue] = []
        let sink = subscribing ? context.pushSink : nil
        for n in names {
            switch (subscribing, patterns) {
            case (true, false): if session.channels.insert(n).inserted { hub.subscribe(id, channel: n, sink: sink!) }
            case (true, true): if session.patterns.insert(n).inserted { hub.psubscribe(id, pattern: n, sink: sink!) }
            case (false, false): if session.channels.remove(n) != nil { hub.unsubscribe(id, channel: n) }
            case (false, true): if session.patterns.remove(n) != nil { hub.punsubscribe(id, pattern: n) }
            }
            replies.append(.push([.bulk(name), .bulkString(n.bytes), .integer(Int64(session.subscriptionCount))]))
        }
        if replies.isEmpty {  // UNSUBSCRIBE with nothing subscribed
            return .push([.bulk(name), .null, .integer(Int64(session.subscriptionCount))])
        }
        context.addReplies(Array(replies.dropFirst()))
        return replies[0]
    }

    func pubsubCommand(_ arguments: [[UInt8]]) -> RESPValue {
        guard arguments.count >= 2 else { return CommandError.wrongArity("pubsub").reply }
        let hub = driver.pubSub
        let sub = String(decoding: arguments[1], as: UTF8.self).lowercased()
        switch sub {
        case "channels" where arguments.count <= 3:
            return .array(hub.activeChannels(matching: arguments.count == 3 ? arguments[2] : nil).map { .bulkString($0) })
        case "numsub":
            return .map(arguments.dropFirst(2).map { .init(.bulkString($0), .integer(Int64(hub.subscriberCount($0)))) })
        case "numpat" where arguments.count == 2:
            return .integer(Int64(hub.patternCount))
        case "help" where arguments.count == 2:
            return .array([
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT", "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "On raft-node these count this node's subscribers only.",
            ].map { .simpleString($0) })
        case "channels", "numpat", "help":
            return .error("ERR unknown subcommand or wrong number of arguments for '\(sub)'. Try PUBSUB HELP.")
        default:
            return .error("ERR unknown subcommand '\(String(decoding: arguments[1], as: UTF8.self))'. Try PUBSUB HELP.")
        }
    }
}
