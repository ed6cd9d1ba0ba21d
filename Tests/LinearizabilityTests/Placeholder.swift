import Testing
@testable import Linearizability

@Test func targetBuilds() {}
