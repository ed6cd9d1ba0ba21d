import Testing
@testable import RaftCore

@Test func targetBuilds() {}
