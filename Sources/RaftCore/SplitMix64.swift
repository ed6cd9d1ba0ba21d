// The core's only source of randomness, injected through `RaftConfig.randomSeed` so that a seed
// reproduces a run exactly (the simulation depends on it).

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough to spread election
/// timeouts; not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64
    public init(seed: UInt64) { self.state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A value in `0..<bound` (bound > 0); the tiny modulo bias does not matter here.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next() % UInt64(bound))
    }
}
