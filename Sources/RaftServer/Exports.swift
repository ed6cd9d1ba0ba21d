// An embedder of the node imports RaftServer only: the client port's protocol types
// (ClientCommandHandler, addClientProtocolHandlers for `addListener`) come with it.
@_exported import ClientProtocol
