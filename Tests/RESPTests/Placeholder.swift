import Testing
@testable import RESP

@Test func targetBuilds() {}
