// tun-raw.cc: opening TUN devices (IFF_TUN | IFF_NO_PI: one read or write is one IP packet) and
// raw IPv4 sockets (IPPROTO_IPIP to receive IPIP without the ipip module, IPPROTO_RAW to send
// packets whose IPv4 header the caller wrote). Follows drivers/net/tun.c (tun_set_iff,
// tun_get_user, tun_put_user) and net/ipv4/raw.c.
// Invariant: both fds are nonblocking and close-on-exec; a TUN device lives as long as its fd
// (not persistent), so closing the handle removes the device.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoints.h"
#include "netns.h"

namespace uvs {

namespace {
int Fail(std::string* what, const char* step) {
  int e = errno;
  *what = step;
  return -e;
}
}  // namespace

int OpenTun(const TunOptions& o, std::unique_ptr<Handle>* out, std::string* what) {
  NetnsGuard ns(o.netns);
  if (ns.error() != 0) {
    *what = "setns(" + o.netns + ")";
    return ns.error();
  }
  auto h = std::make_unique<Handle>();
  h->kind = Kind::Tun;
  h->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (h->fd < 0) return Fail(what, "open(/dev/net/tun)");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, o.name.c_str(), o.name.size());  // size < IFNAMSIZ checked by the caller
  if (ioctl(h->fd, TUNSETIFF, &ifr) != 0) return Fail(what, "ioctl(TUNSETIFF)");
  h->ifname.assign(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
  h->spill.resize(65536);
  h->ctlFd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (h->ctlFd < 0) return Fail(what, "socket(AF_INET) for interface queries");
  h->ifindex = static_cast<int>(if_nametoindex(h->ifname.c_str()));
  *out = std::move(h);
  return 0;
}

int OpenRawIp(const RawIpOptions& o, std::unique_ptr<Handle>* out, std::string* what) {
  NetnsGuard ns(o.netns);
  if (ns.error() != 0) {
    *what = "setns(" + o.netns + ")";
    return ns.error();
  }
  auto h = std::make_unique<Handle>();
  h->kind = Kind::RawIp;
  h->rawProtocol = o.protocol;
  h->ifname = o.ifname;
  h->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, o.protocol);
  if (h->fd < 0) return Fail(what, o.protocol == IPPROTO_RAW ? "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)"
                                                             : "socket(AF_INET, SOCK_RAW, IPPROTO_IPIP)");
  h->ctlFd = h->fd;
  if (!o.ifname.empty()) {
    if (setsockopt(h->fd, SOL_SOCKET, SO_BINDTODEVICE, o.ifname.c_str(),
                   static_cast<socklen_t>(o.ifname.size())) != 0)
      return Fail(what, "setsockopt(SO_BINDTODEVICE)");
    h->ifindex = static_cast<int>(if_nametoindex(o.ifname.c_str()));
  }
  *out = std::move(h);
  return 0;
}

}  // namespace uvs
