import Testing
import RaftServer

// Sizes on the command line use Redis's configuration units (redis.conf: "1k => 1000 bytes,
// 1kb => 1024 bytes", and so on), case-insensitive.
@Test func sizesReadAsRedisConfigurationWritesThem() throws {
    #expect(try ByteSize.parse("4096", what: "--x") == 4096)
    #expect(try ByteSize.parse("500k", what: "--x") == 500_000)
    #expect(try ByteSize.parse("8kb", what: "--x") == 8192)
    #expect(try ByteSize.parse("32MB", what: "--x") == 32 << 20)
    #expect(try ByteSize.parse("2m", what: "--x") == 2_000_000)
    #expect(try ByteSize.parse("1Gb", what: "--x") == 1 << 30)
    #expect(try ByteSize.parse("3g", what: "--x") == 3_000_000_000)
}

@Test func aSizeThatIsNotOneNamesTheFlagAndTheText() {
    for bad in ["", "mb", "12 mb", "-5", "1.5mb", "7tb", "99999999999999999999", "9999999999999gb"] {
        #expect {
            _ = try ByteSize.parse(bad, what: "--snapshot-send-rate")
        } throws: { error in
            "\(error)".contains("--snapshot-send-rate '\(bad)'")
        }
    }
}
