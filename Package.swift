// swift-tools-version:6.0
// The node lives under Sources/, the chaos toolkit under Chaos/ (see docs/ARCHITECTURE.md).
// Dependencies are few on purpose: every package costs build minutes in every CI run.
import PackageDescription

let package = Package(
    name: "raft-toolkit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RaftCore", targets: ["RaftCore"]),
        .library(name: "RaftServer", targets: ["RaftServer"]),
        .library(name: "Linearizability", targets: ["Linearizability"]),
        .executable(name: "raft-node", targets: ["raft-node"]),
        .executable(name: "raft-chaos", targets: ["raft-chaos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Metrics API for the node, and its Prometheus text exposition (--metrics-addr).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // HMAC-SHA256 for the peer handshake (PeerWire); BoringSSL inside: build cost in docs/OPERATIONS.md.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // TLS on the client port and mutual TLS on the peer port; BoringSSL again: cost in docs/OPERATIONS.md.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // The node as a Service in a ServiceGroup: graceful shutdown the way Swift servers do it.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: the node
        .target(name: "RaftCore", path: "Sources/RaftCore"),
        // The node's logic around the core as a value (events in, actions out): NIO node and simulation drive it.
        .target(name: "RaftShell", dependencies: ["RaftCore"], path: "Sources/RaftShell"),
        .target(name: "RaftSimulation", dependencies: ["RaftCore", "RaftShell"], path: "Sources/RaftSimulation"),
        .executableTarget(name: "raft-sim", dependencies: ["RaftSimulation", "RaftCore", "RaftShell"], path: "Sources/raft-sim"),
        // Byte readers and writers, CRC-32C, the Raft types' encoding: under PeerWire and RaftStorage.
        .target(name: "WireCodec", dependencies: ["RaftCore"], path: "Sources/WireCodec"),
        .target(
            name: "PeerWire", dependencies: ["RaftCore", "WireCodec", .product(name: "Crypto", package: "swift-crypto")], path: "Sources/PeerWire"),
        .target(name: "RaftStorage", dependencies: ["RaftCore", "WireCodec"], path: "Sources/RaftStorage"),
        .target(name: "RESP", path: "Sources/RESP"),
        .target(name: "KeyValueStore", dependencies: ["RESP"], path: "Sources/KeyValueStore"),
        // The client port as a protocol server: pipeline, request decoder, limits, ordering of
        // replies, lingering close, request gate. Knows nothing of Raft or of the commands.
        .target(
            name: "ClientProtocol",
            dependencies: [
                "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ClientProtocol"
        ),
        .target(
            name: "RaftServer",
            dependencies: [
                "RaftCore", "RaftShell", "PeerWire", "RaftStorage", "RESP", "KeyValueStore", "ClientProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/RaftServer"
        ),
        .executableTarget(
            name: "raft-node",
            dependencies: [
                "RaftServer", "RaftCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/raft-node"
        ),
        // Examples of embedding the node as a library.
        .executableTarget(
            name: "replicated-counter",
            dependencies: [
                "RaftServer", "KeyValueStore", "RESP", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/replicated-counter"
        ),
        .executableTarget(
            name: "url-checker",
            dependencies: [
                "RaftServer", "RESP", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Examples/url-checker"
        ),

        // MARK: the chaos toolkit
        .target(name: "Linearizability", path: "Chaos/Linearizability"),
        // The orchestrator: processes, the frame-aware relay, nemeses, workloads, run directory,
        // report. Treats the node as a black box: processes, ports and the peer byte format.
        .target(
            name: "Chaos",
            dependencies: [
                "Linearizability", "PeerWire", "RaftCore", "RESP", "Capture",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Chaos/Chaos",
            exclude: ["README.md"]
        ),
        // libpcap (Debian's libpcap-dev), for live capture; no pkgConfig: Debian's .pc drags in dbus flags.
        .systemLibrary(name: "CPcap", path: "Chaos/CPcap", providers: [.apt(["libpcap-dev"])]),
        // Capture and decoding of the peer traffic: pcap files, TCP reassembly, PeerWire frames,
        // relay pairing, timeline and safety audit. Independent of the orchestrator.
        .target(
            name: "Capture",
            dependencies: ["CPcap", "PeerWire", "RaftCore", "KeyValueStore"],
            path: "Chaos/Capture",
            exclude: ["wireshark"]
        ),
        .executableTarget(
            name: "raft-chaos",
            dependencies: [
                "Chaos", "Linearizability", "Capture", "PeerWire", "RaftCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Chaos/raft-chaos"
        ),

        // MARK: tests (Swift Testing throughout)
        .testTarget(name: "RaftCoreTests", dependencies: ["RaftCore", "RaftShell", "RaftSimulation"], path: "Tests/RaftCoreTests", exclude: ["testdata"]),
        .testTarget(
            name: "PeerWireTests", dependencies: ["PeerWire", "RaftCore", .product(name: "Crypto", package: "swift-crypto")], path: "Tests/PeerWireTests"),
        .testTarget(name: "RaftStorageTests", dependencies: ["RaftStorage", "RaftCore", "KeyValueStore", "PeerWire"], path: "Tests/RaftStorageTests"),
        .testTarget(name: "RESPTests", dependencies: ["RESP", "RaftCore"], path: "Tests/RESPTests"),
        // Parse throughput measurement (not a test): swift run -c release resp-bench
        .executableTarget(
            name: "resp-bench",
            dependencies: [
                "RESP", "RaftServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RESPBenchmark"
        ),
        .testTarget(
            name: "ClientProtocolTests",
            dependencies: [
                "ClientProtocol", "RaftServer", "RESP", "KeyValueStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ClientProtocolTests"
        ),
        // Real multi-process clusters: needs the raft-node product built (swift build --build-tests does).
        // How tests start raft-node processes (binary, ports, launch, kill by pid): one launcher.
        .target(name: "NodeTestSupport", path: "Tests/NodeTestSupport"),
        .testTarget(name: "RaftServerTests", dependencies: ["RESP", "RaftCore", "NodeTestSupport"], path: "Tests/RaftServerTests", exclude: ["python"]),
        .testTarget(name: "KeyValueStoreTests", dependencies: ["KeyValueStore", "RESP", "RaftCore"], path: "Tests/KeyValueStoreTests"),
        .testTarget(name: "LinearizabilityTests", dependencies: ["Linearizability"], path: "Tests/LinearizabilityTests"),
        // Capture decoding speed (not a test): swift run -c release capture-bench --frames 1000000
        .executableTarget(
            name: "capture-bench",
            dependencies: ["Capture", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/CaptureBenchmark"
        ),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "PeerWire", "RaftCore", "KeyValueStore"], path: "Tests/CaptureTests"),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Linearizability", "PeerWire", "RaftCore", "NodeTestSupport"], path: "Tests/ChaosTests"),
    ],
    swiftLanguageModes: [.v6]
)
