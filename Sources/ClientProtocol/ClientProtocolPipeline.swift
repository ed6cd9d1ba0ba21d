import Logging
import NIOCore
import NIOSSL
import RESP

extension ChannelPipeline.SynchronousOperations {
    /// Installs the client-port handlers: admission under the connection limit, lingering
    /// close, the request decoder, the request gate and the connection handler. Call from a child channel initializer. The server bootstrap
    /// should set `ChannelOptions.allowRemoteHalfClosure` so a half-closed client still gets
    /// its replies (otherwise NIO closes the connection at EOF).
    public func addClientProtocolHandlers(
        commandHandler: any ClientCommandHandler,
        configuration: ClientProtocolConfiguration = .init(),
        connectionID: UInt64,
        logger: Logger
    ) throws {
        let connection = ClientConnectionHandler(
            commandHandler: commandHandler,
            configuration: configuration,
            connectionID: connectionID,
            logger: logger
        )
        if let limit = configuration.connectionLimit {
            try addHandler(ClientAdmissionHandler(limit: limit, logger: logger))
        }
        // Closes send FIN first, so the last reply (a protocol error, QUIT's OK) is not lost to a reset.
        try addHandler(LingeringClose())
        try addHandler(ByteToMessageHandler(RESPRequestFrameDecoder(limits: configuration.limits)))
        // Holds pipelined requests while the connection is saturated (bounds reply memory).
        try addHandler(ClientRequestGate(connection: connection))
        try addHandler(connection)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Puts TLS in front of a client connection. Call first, before protected mode and
    /// `addClientProtocolHandlers`, so that every handler behind sees plain RESP (and protected
    /// mode still judges the TCP peer's address). A client that does not speak TLS (plain RESP on
    /// a TLS port) fails the handshake: NIOSSL sends an alert and closes, and the connection
    /// handler logs the error at debug level; nothing else happens.
    public func addClientTLSHandler(context: NIOSSLContext) throws {
        try addHandler(NIOSSLServerHandler(context: context))
    }
}
