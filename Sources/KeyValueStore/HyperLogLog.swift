// A HyperLogLog with Redis's parameters: 2^14 registers (standard error 0.81%), a 64-bit hash
// whose low 14 bits pick the register and whose remaining 50 bits give the run length, and
// Ertl's improved estimator (the one Redis uses since 5.0), so counts are unbiased from 0 up.
//
// Stored as a string, like Redis's, but in this project's own encoding (Redis's is not
// required): the 4 bytes "RHL1" then one byte per register (16 388 bytes, dense only). The
// hash is FNV-1a finished by SplitMix64's mixer: the same on every replica and every run.

struct HyperLogLog {
    static let p = 14
    static let m = 1 << p
    static let q = 64 - p
    static let magic: [UInt8] = Array("RHL1".utf8)
    static let encodedSize = magic.count + m

    var registers: [UInt8]

    init() { registers = [UInt8](repeating: 0, count: Self.m) }

    /// Decodes a stored string; nil if it is not a HyperLogLog of this encoding (or is corrupt).
    init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.encodedSize, bytes.starts(with: Self.magic) else { return nil }
        let regs = Array(bytes[Self.magic.count...])
        guard !regs.contains(where: { Int($0) > Self.q + 1 }) else { return nil }
        registers = regs
    }

    var encoded: [UInt8] { Self.magic + registers }

    /// Adds an element; true if a register changed.
    mutating func add(_ element: [UInt8]) -> Bool {
        let h = SeededRandom.mix(stableHash(element))
        let index = Int(h & UInt64(Self.m - 1))
        let rest = (h >> UInt64(Self.p)) | (1 << UInt64(Self.q))  // a 1 bit bounds the run at q
        let run = UInt8(rest.trailingZeroBitCount + 1)
        guard run > registers[index] else { return false }
        registers[index] = run
        return true
    }

    mutating func merge(_ other: HyperLogLog) {
        for i in 0..<Self.m where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct elements added (Ertl, "New cardinality estimation
    /// algorithms for HyperLogLog sketches", 2017).
    var count: UInt64 {
        var histogram = [Int](repeating: 0, count: Self.q + 2)
        for r in registers { histogram[Int(r)] += 1 }
        let m = Double(Self.m)
        var z = m * Self.tau((m - Double(histogram[Self.q + 1])) / m)
        for k in stride(from: Self.q, through: 1, by: -1) {
            z += Double(histogram[k])
            z *= 0.5
        }
        z += m * Self.sigma(Double(histogram[0]) / m)
        let alphaInf = 0.5 / 0.693_147_180_559_945_3  // 1 / (2 ln 2)
        return UInt64((alphaInf * m * m / z).rounded())
    }

    static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0, y = 1.0, z = x0
        while true {
            x *= x
            let prev = z
            z += x * y
            y += y
            if prev == z { return z }
        }
    }

    static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0, y = 1.0, z = 1 - x0
        while true {
            x = x.squareRoot()
            let prev = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
            if prev == z { return z / 3 }
        }
    }
}
