import Testing
@testable import KeyValueStore

@Test func targetBuilds() {}
