// afpacket.cc: AF_PACKET endpoint. RX is a TPACKET_V3 ring mapped once at open; recv copies the
// frames of user-owned blocks into the caller's slots (the one copy between kernel and JS) and
// hands each block back to the kernel as soon as its last frame is copied. TX is sendmmsg(2)
// with iovecs pointing straight into the caller's buffer (no copy in userspace).
// Follows: Documentation/networking/packet_mmap.rst and net/packet/af_packet.c (tpacket_rcv,
// packet_set_ring, fanout_add, packet_snd).
// Invariants: a block is read only while its status has TP_STATUS_USER; every kernel-written
// offset is bounds-checked against the block before it is used.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoints.h"
#include "netns.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

namespace uvs {

namespace {

int Fail(std::string* what, const char* step) {
  int e = errno;
  *what = step;
  return -e;
}

template <typename T>
int SetOpt(int fd, int level, int name, const T& v) {
  return setsockopt(fd, level, name, &v, sizeof v);
}

tpacket_block_desc* Block(const Handle& h, uint32_t i) {
  return reinterpret_cast<tpacket_block_desc*>(h.ring + static_cast<size_t>(i) * h.blockSize);
}

// Give the current block back to the kernel and move to the next one.
void ReleaseBlock(Handle& h) {
  __atomic_store_n(&Block(h, h.curBlock)->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  h.curBlock = h.curBlock + 1 == h.blockCount ? 0 : h.curBlock + 1;
  h.pktLeft = 0;
  h.pktOff = 0;
}

}  // namespace

int OpenAfPacket(const AfPacketOptions& o, std::unique_ptr<Handle>* out, std::string* what) {
  NetnsGuard ns(o.netns);
  if (ns.error() != 0) {
    *what = "setns(" + o.netns + ")";
    return ns.error();
  }
  auto h = std::make_unique<Handle>();
  h->kind = Kind::AfPacket;
  h->ifname = o.ifname;
  // Protocol 0: the socket receives nothing until bind(), after the filter and ring are set.
  h->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (h->fd < 0) return Fail(what, "socket(AF_PACKET)");
  h->ctlFd = h->fd;
  h->ifindex = static_cast<int>(if_nametoindex(o.ifname.c_str()));
  if (h->ifindex == 0) return Fail(what, "if_nametoindex");
  if (SetOpt(h->fd, SOL_PACKET, PACKET_VERSION, int{TPACKET_V3}) != 0)
    return Fail(what, "setsockopt(PACKET_VERSION, TPACKET_V3)");
  if (o.hasFilter) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(o.filter.size());
    prog.filter = const_cast<sock_filter*>(o.filter.data());
    if (setsockopt(h->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
      return Fail(what, "setsockopt(SO_ATTACH_FILTER)");
  }
  if (o.ignoreOutgoing && SetOpt(h->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, int{1}) != 0)
    return Fail(what, "setsockopt(PACKET_IGNORE_OUTGOING)");
  if (o.qdiscBypass && SetOpt(h->fd, SOL_PACKET, PACKET_QDISC_BYPASS, int{1}) != 0)
    return Fail(what, "setsockopt(PACKET_QDISC_BYPASS)");
  // Before the ring (the kernel refuses it once a ring exists): every received frame is
  // preceded by a virtio_net_hdr in the ring, every sent one carries one in front.
  if (o.vnetHdr) {
    if (SetOpt(h->fd, SOL_PACKET, PACKET_VNET_HDR, int{1}) != 0) return Fail(what, "setsockopt(PACKET_VNET_HDR)");
    h->vnetHdr = true;
  }

  tpacket_req3 req{};
  req.tp_block_size = o.blockSize;
  req.tp_block_nr = o.blockCount;
  req.tp_frame_size = o.frameSize;
  req.tp_frame_nr = (o.blockSize / o.frameSize) * o.blockCount;
  req.tp_retire_blk_tov = o.retireTovMs;
  req.tp_sizeof_priv = 0;
  req.tp_feature_req_word = 0;
  if (SetOpt(h->fd, SOL_PACKET, PACKET_RX_RING, req) != 0) return Fail(what, "setsockopt(PACKET_RX_RING)");
  h->blockSize = o.blockSize;
  h->blockCount = o.blockCount;
  h->ringLen = static_cast<size_t>(o.blockSize) * o.blockCount;
  void* map = mmap(nullptr, h->ringLen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, h->fd, 0);
  if (map == MAP_FAILED) return Fail(what, "mmap(rx ring)");
  h->ring = static_cast<uint8_t*>(map);

  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = h->ifindex;
  if (bind(h->fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) return Fail(what, "bind");
  if (o.fanoutGroup >= 0) {
    int flags = o.ignoreOutgoing ? PACKET_FANOUT_FLAG_IGNORE_OUTGOING : 0;
    int arg = (o.fanoutGroup & 0xffff) | ((o.fanoutMode | flags) << 16);
    if (SetOpt(h->fd, SOL_PACKET, PACKET_FANOUT, arg) != 0) return Fail(what, "setsockopt(PACKET_FANOUT)");
    if (o.hasFanoutProg && SetFanoutProgram(*h, o.fanoutProg) != 0)
      return Fail(what, "setsockopt(PACKET_FANOUT_DATA)");
  }
  *out = std::move(h);
  return 0;
}

int SetFanoutProgram(Handle& h, const std::vector<sock_filter>& prog) {
  if (h.kind != Kind::AfPacket) return -EINVAL;
  sock_fprog fp{};
  fp.len = static_cast<unsigned short>(prog.size());
  fp.filter = const_cast<sock_filter*>(prog.data());
  // The group's program is shared by every member; the kernel swaps it under RCU.
  if (setsockopt(h.fd, SOL_PACKET, PACKET_FANOUT_DATA, &fp, sizeof fp) != 0) return -errno;
  return 0;
}

// HOT PATH. See endpoints.h.
int AfPacketRecv(Handle& h, const RxBatch& b) {
  const uint32_t room = b.slotSize - b.headroom;
  uint32_t n = 0;
  while (n < b.max) {
    tpacket_block_desc* bd = Block(h, h.curBlock);
    if (h.pktLeft == 0) {
      uint32_t st = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
      if ((st & TP_STATUS_USER) == 0) break;
      h.pktLeft = bd->hdr.bh1.num_pkts;
      h.pktOff = bd->hdr.bh1.offset_to_first_pkt;
      if (h.pktLeft == 0) {
        ReleaseBlock(h);
        continue;
      }
    }
    uint8_t* blk = reinterpret_cast<uint8_t*>(bd);
    if (h.pktOff < sizeof(tpacket_block_desc) || h.pktOff + sizeof(tpacket3_hdr) > h.blockSize) {
      ReleaseBlock(h);  // malformed block: never read past it
      continue;
    }
    const tpacket3_hdr* ph = reinterpret_cast<const tpacket3_hdr*>(blk + h.pktOff);
    const uint32_t snap = ph->tp_snaplen;
    const uint32_t mac = ph->tp_mac;
    const uint32_t status = ph->tp_status;
    const bool vlan = (status & TP_STATUS_VLAN_VALID) != 0 && snap >= 12;
    if (static_cast<uint64_t>(h.pktOff) + mac + snap > h.blockSize) {
      ReleaseBlock(h);
      continue;
    }
    if (snap < ph->tp_len) {
      h.c.rxTruncated++;
    } else if (snap + (vlan ? 4u : 0u) > room) {
      h.c.rxOversize++;
    } else {
      const uint8_t* src = blk + h.pktOff + mac;
      uint8_t* dst = b.data + static_cast<size_t>(n) * b.slotSize + b.headroom;
      uint32_t flen = snap;
      if (vlan) {
        // The tag was taken off by VLAN acceleration; put it back so JS sees the wire frame.
        uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? ph->hv1.tp_vlan_tpid : ETH_P_8021Q;
        uint16_t tci = ph->hv1.tp_vlan_tci;
        memcpy(dst, src, 12);
        dst[12] = static_cast<uint8_t>(tpid >> 8);
        dst[13] = static_cast<uint8_t>(tpid);
        dst[14] = static_cast<uint8_t>(tci >> 8);
        dst[15] = static_cast<uint8_t>(tci);
        memcpy(dst + 16, src + 12, snap - 12);
        flen += 4;
      } else {
        memcpy(dst, src, snap);
      }
      b.off[n] = static_cast<int32_t>(static_cast<size_t>(n) * b.slotSize + b.headroom);
      b.len[n] = static_cast<int32_t>(flen);
      b.meta[n] = (status & TP_STATUS_CSUMNOTREADY) != 0 ? kMetaCsumPartial : 0;
      b.v.csumStart[n] = 0;
      b.v.csumOff[n] = 0;
      b.v.gsoType[n] = 0;
      b.v.gsoSize[n] = 0;
      if (h.vnetHdr && mac >= sizeof(tpacket3_hdr) + sizeof(VnetHdr)) {
        // The kernel wrote the header just before the frame (tpacket_rcv, host byte order).
        VnetHdr vh;
        memcpy(&vh, src - sizeof vh, sizeof vh);
        if ((vh.flags & kVnetNeedsCsum) != 0) {
          b.v.csumStart[n] = static_cast<uint16_t>(vh.csum_start + (vlan ? 4 : 0));
          b.v.csumOff[n] = vh.csum_offset;
        }
        if (vh.gso_type != kVnetGsoNone) {
          b.v.gsoType[n] = vh.gso_type;
          b.v.gsoSize[n] = vh.gso_size;
          h.c.rxGso++;
        }
      }
      n++;
    }
    if (--h.pktLeft == 0) {
      ReleaseBlock(h);
    } else {
      h.pktOff += ph->tp_next_offset;
      if (ph->tp_next_offset == 0) ReleaseBlock(h);
    }
  }
  h.c.rxFrames += n;
  return static_cast<int>(n);
}

int RefreshStats(Handle& h) {
  if (h.kind != Kind::AfPacket) return 0;
  tpacket_stats_v3 st{};
  socklen_t sl = sizeof st;
  if (getsockopt(h.fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) != 0) return -errno;
  h.c.kernelPackets += st.tp_packets;
  h.c.kernelDrops += st.tp_drops;
  h.c.freezeQueue += st.tp_freeze_q_cnt;
  return 0;
}

int QueryInterface(const Handle& h, int* mtu, uint8_t mac[6]) {
  ifreq ifr{};
  if (h.ifname.empty() || h.ifname.size() >= IFNAMSIZ) return -ENODEV;
  memcpy(ifr.ifr_name, h.ifname.c_str(), h.ifname.size());
  if (ioctl(h.ctlFd, SIOCGIFMTU, &ifr) != 0) return -errno;
  *mtu = ifr.ifr_mtu;
  memset(mac, 0, 6);
  if (ioctl(h.ctlFd, SIOCGIFHWADDR, &ifr) == 0) memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
  return 0;
}

}  // namespace uvs
