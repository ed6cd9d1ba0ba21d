import Testing
@testable import PeerWire

@Test func targetBuilds() {}
