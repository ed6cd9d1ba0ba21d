import Crypto

// HMAC-SHA256 (RFC 2104) for the peer handshake, from swift-crypto (BoringSSL's SHA-256 under
// Apple's HMAC) rather than code of our own: a hand-written hash is the first thing a security
// review flags. The bytes are the same as before (the RFC 4231 vectors in
// Tests/PeerWireTests/HMACTests pin them), so nodes of either build authenticate each other.

public enum HMACSHA256 {
    public static let size = SHA256.byteCount

    /// HMAC-SHA256(key, message): keys longer than a block are hashed first, as RFC 2104 says.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}

/// Equal length and equal bytes, in time that depends only on the length (no early exit that
/// would tell an attacker how many leading bytes of a forged MAC were right).
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<a.count { diff |= a[i] ^ b[i] }
    return diff == 0
}
