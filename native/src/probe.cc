// probe.cc: see probe.h. Plain POSIX; no Node types here so the probes can be unit-built alone.
#include "probe.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace uvs {
namespace {

// Closes an fd on scope exit so every early return releases it.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

int OpenPacket() { return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)); }

}  // namespace

int ProbeAfPacket() {
  Fd fd(OpenPacket());
  return fd.ok() ? 0 : -errno;
}

int ProbeTpacketV3() {
  Fd fd(OpenPacket());
  if (!fd.ok()) return -errno;
  int v = TPACKET_V3;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) return -errno;
  return 0;
}

int ProbeFanout() {
  Fd fd(OpenPacket());
  if (!fd.ok()) return -errno;
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(if_nametoindex("lo"));
  if (sll.sll_ifindex == 0) return -errno;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) return -errno;
  // Group id from the pid keeps concurrent probes in different processes apart.
  int arg = static_cast<int>((getpid() & 0xffff) | (PACKET_FANOUT_HASH << 16));
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) return -errno;
  return 0;
}

int ProbeIgnoreOutgoing() {
  Fd fd(OpenPacket());
  if (!fd.ok()) return -errno;
  int one = 1;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) return -errno;
  return 0;
}

int ProbeTun() {
  Fd fd(open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  return fd.ok() ? 0 : -errno;
}

int ProbeRawIpip() {
  Fd fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP));
  return fd.ok() ? 0 : -errno;
}

}  // namespace uvs
