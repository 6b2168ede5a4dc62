// probe.h: capability probes of the running kernel, used by uvsd at start and by the tests.
// Each probe opens what the data plane will need, closes it again, and returns 0 or -errno.
// No probe changes any system state that outlives the call.
#pragma once

namespace uvs {

int ProbeAfPacket();       // socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)
int ProbeTpacketV3();      // + setsockopt(PACKET_VERSION, TPACKET_V3)
int ProbeFanout();         // + bind to lo + setsockopt(PACKET_FANOUT, hash)
int ProbeIgnoreOutgoing(); // + setsockopt(PACKET_IGNORE_OUTGOING, 1)
int ProbeTun();            // open("/dev/net/tun", O_RDWR)
int ProbeRawIpip();        // socket(AF_INET, SOCK_RAW, IPPROTO_IPIP)

}  // namespace uvs
