// When the client port needs ProtectedModeHandler (Sources/ClientProtocol/ProtectedModeHandler.swift).

extension RaftServerOptions {
    /// Protected mode applies: switched on, no client password, and listening beyond loopback.
    var protectsClientPort: Bool {
        security.protectedMode && security.requirePass == nil && !clientListenAddress.host.hasPrefix("127.")
    }
}
