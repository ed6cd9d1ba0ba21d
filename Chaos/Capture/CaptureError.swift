// Every way a capture can fail as a whole (a file that is not a pcap, no capture privilege).
// Damage inside a readable capture is not an error: it is reported as a `StreamProblem`.

public enum CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case notPcap(reason: String)
    case unsupportedLinkType(UInt32)
    /// libpcap refused to open the interface for capture because this process lacks the right.
    case noCapturePrivilege(interface: String, detail: String)
    case captureFailed(String)
    case invalidRelayMap(String)

    public var description: String {
        switch self {
        case .unreadableFile(let p, let r): return "cannot read \(p): \(r)"
        case .notPcap(let r): return "not a pcap capture: \(r)"
        case .unsupportedLinkType(let t): return "unsupported pcap link type \(t) (supported: Ethernet 1, BSD loopback 0/108, raw IP 101/12/14, Linux cooked 113/276)"
        case .noCapturePrivilege(let i, let d):
            return "no permission to capture on \(i): run as root or give the binary CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin+eip raft-chaos) [\(d)]"
        case .captureFailed(let s): return "capture failed: \(s)"
        case .invalidRelayMap(let s): return "invalid relay map: \(s)"
        }
    }
}
