import Testing
@testable import RaftStorage

@Test func targetBuilds() {}
