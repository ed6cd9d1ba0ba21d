import NIOCore
import NIOPosix
import Prometheus

extension RaftServer {
    /// Binds --metrics-addr, if set: `GET /metrics` answers the Prometheus registry's text
    /// exposition (format 0.0.4). Also sets the gauges that are read rather than counted.
    func startMetricsEndpoint() async throws {
        guard let address = options.operations.metricsAddress else { return }
        let registry = options.operations.metricsRegistry ?? PrometheusMetricsFactory.defaultRegistry
        let connections = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "raft_client_connections", unitName: "", helpText: "Client connections open now."), labels: [("node", options.id.rawValue)])
        let inFlight = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "raft_client_requests_in_flight", unitName: "", helpText: "Client requests accepted and not yet answered."), labels: [("node", options.id.rawValue)])
        let body: @Sendable () -> [UInt8] = { [self] in
            connections.set(Double(connectedClients))
            inFlight.set(Double(operations.inFlight))
            return registry.emitToBuffer()
        }
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(body: body)) }
                }
                .bind(host: address.host, port: address.port).get()
            operations.metricsListener.withLockedValue { $0 = channel }
            logger.info("metrics on http://\(address)/metrics")
        } catch {
            throw NodeOptionError("cannot listen for metrics on \(address): \(error)")
        }
    }
}

/// A minimal HTTP/1.x responder: reads one request head, answers it, closes. Enough for a
/// Prometheus scraper or curl; anything but `GET /metrics` (or HEAD) gets 404 or 405.
final class MetricsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let body: @Sendable () -> [UInt8]
    private var head: [UInt8] = []
    private var answered = false
    static let maxHead = 8192

    init(body: @escaping @Sendable () -> [UInt8]) { self.body = body }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        head += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let end = Self.endOfHead(head) else {
            if head.count > Self.maxHead { respond(context, status: "431 Request Header Fields Too Large", body: Array("request head too large\n".utf8)) }
            return
        }
        let requestLine = String(decoding: head[0..<end].prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return respond(context, status: "400 Bad Request", body: Array("bad request line\n".utf8))
        }
        let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        switch (parts[0], path) {
        case ("GET", "/metrics"): respond(context, status: "200 OK", body: body())
        case ("HEAD", "/metrics"): respond(context, status: "200 OK", body: body(), headOnly: true)
        case (_, "/metrics"): respond(context, status: "405 Method Not Allowed", body: Array("use GET\n".utf8))
        default: respond(context, status: "404 Not Found", body: Array("try /metrics\n".utf8))
        }
    }

    private static func endOfHead(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 0x0D && b[i + 1] == 0x0A && b[i + 2] == 0x0D && b[i + 3] == 0x0A { return i }
        return nil
    }

    private func respond(_ context: ChannelHandlerContext, status: String, body: [UInt8], headOnly: Bool = false) {
        answered = true
        let headers = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var out = context.channel.allocator.buffer(capacity: headers.utf8.count + body.count)
        out.writeString(headers)
        if !headOnly { out.writeBytes(body) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
