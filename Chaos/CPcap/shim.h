// libpcap for Swift: live capture of the peer ports (Chaos/Capture/LiveCapture.swift).
#include <pcap/pcap.h>
