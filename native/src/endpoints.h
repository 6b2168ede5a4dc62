// endpoints.h: the data-plane endpoints in plain POSIX (no Node types): opening AF_PACKET
// sockets with a TPACKET_V3 RX ring, TUN devices and raw IPv4 sockets, and moving batches of
// frames between them and caller-owned memory described by RxBatch/TxBatch.
// Must not: keep any RxBatch/TxBatch pointer after returning; block (every fd is nonblocking).
// Invariant: callers (bindings.cc) have validated every RxBatch/TxBatch bound before the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "handle.h"

namespace uvs {

// Per-frame offload metadata (src/wire/frame-batch.ts): the virtio_net_hdr fields a socket with
// PACKET_VNET_HDR exchanges with the kernel. csumStart/csumOff are valid with kMetaCsumPartial;
// gsoType 0 is a single packet. Endpoints without a vnet header write zeros and read nothing.
struct VnetArrays {
  uint16_t* csumStart;
  uint16_t* csumOff;
  uint8_t* gsoType;
  uint16_t* gsoSize;
};

// Receive side: frame i goes to data[i*slotSize + headroom ...], at most slotSize-headroom bytes.
struct RxBatch {
  uint8_t* data;
  int32_t* off;
  int32_t* len;
  uint32_t* meta;
  VnetArrays v;
  uint32_t slotSize;
  uint32_t headroom;
  uint32_t max;
};

// Send side: frame i is data[off[i] .. off[i]+len[i]), all within the caller's buffer.
// With a vnet header (AF_PACKET opened with vnetHdr) meta and v describe each frame's offloads.
struct TxBatch {
  const uint8_t* data;
  const int32_t* off;
  const int32_t* len;
  const uint32_t* meta;
  VnetArrays v;
  uint32_t count;
};

// struct virtio_net_hdr of linux/virtio_net.h (that header does not compile as C++: a field of
// another struct is named `class`). Host byte order for AF_PACKET (vio_le() on little-endian).
struct VnetHdr {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(VnetHdr) == 10, "virtio_net_hdr is 10 bytes");
constexpr uint8_t kVnetNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr uint8_t kVnetGsoNone = 0;    // VIRTIO_NET_HDR_GSO_NONE

// meta flag bits written by recv (src/wire/frame-batch.ts META_*).
constexpr uint32_t kMetaCsumPartial = 0x1;

struct AfPacketOptions {
  std::string ifname;
  std::string netns;
  uint32_t blockSize = 1u << 18;  // bytes, multiple of the page size
  uint32_t blockCount = 32;
  uint32_t frameSize = 2048;  // nominal; V3 packs frames of any size up to a block
  uint32_t retireTovMs = 1;   // block retire timeout: bounds the latency of a lone frame
  int fanoutGroup = -1;       // -1: no fanout
  int fanoutMode = 0;         // PACKET_FANOUT_HASH
  bool ignoreOutgoing = true;
  bool qdiscBypass = true;
  bool vnetHdr = false;       // PACKET_VNET_HDR: GSO super-frames in, offloads out
  bool hasFilter = false;
  std::vector<sock_filter> filter;
  bool hasFanoutProg = false;  // PACKET_FANOUT_DATA (fanoutMode 6, PACKET_FANOUT_CBPF)
  std::vector<sock_filter> fanoutProg;
};

struct TunOptions {
  std::string name;  // may hold %d; the kernel's name is in Handle::ifname
  std::string netns;
};

struct RawIpOptions {
  int protocol = 4;    // IPPROTO_IPIP (receive) or IPPROTO_RAW (255, send)
  std::string ifname;  // optional SO_BINDTODEVICE
  std::string netns;
};

// Each open returns the new handle in *out, or -errno with *what naming the failing step.
int OpenAfPacket(const AfPacketOptions& o, std::unique_ptr<Handle>* out, std::string* what);
int OpenTun(const TunOptions& o, std::unique_ptr<Handle>* out, std::string* what);
int OpenRawIp(const RawIpOptions& o, std::unique_ptr<Handle>* out, std::string* what);

// Copy up to b.max frames into the batch; count, 0 when nothing is ready, or -errno.
int RecvFrames(Handle& h, const RxBatch& b);
// Send frames from the head of the batch; see native/README.md for the exact result.
int SendFrames(Handle& h, const TxBatch& b);
// poll(2) the handle for readability: 1 readable, 0 timeout, -errno.
int WaitReadable(Handle& h, int timeoutMs);
// Replace the classic BPF program of the handle's PACKET_FANOUT_CBPF group; 0 or -errno.
int SetFanoutProgram(Handle& h, const std::vector<sock_filter>& prog);
// Pull the kernel's PACKET_STATISTICS into h.c (AF_PACKET only); 0 or -errno.
int RefreshStats(Handle& h);
// Interface MTU and MAC (6 bytes) by ioctl on h.ctlFd; 0 or -errno.
int QueryInterface(const Handle& h, int* mtu, uint8_t mac[6]);

}  // namespace uvs
