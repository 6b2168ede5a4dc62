// handle.h: one open data-plane endpoint (AF_PACKET socket with its TPACKET_V3 RX ring, TUN
// device, or raw IPv4 socket) and the per-environment table that maps small integer ids to them.
// Owns: the fd(s) and the ring mapping of each handle; both are released in ~Handle.
// Must not: hold any pointer into JS memory after a call returns; be shared across JS threads
// (each worker thread gets its own table through the N-API instance data).
// Invariant: ids are never reused within one environment, so a stale id is -EBADF, never
// another endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace uvs {

enum class Kind { AfPacket, Tun, RawIp };

struct Poller;  // poller.cc

// Counters kept by the addon; the kernel's PACKET_STATISTICS reset on read, so they are summed here.
struct Counters {
  double kernelPackets = 0;  // tp_packets (AF_PACKET only)
  double kernelDrops = 0;    // tp_drops: ring full
  double freezeQueue = 0;    // tp_freeze_q_cnt
  double rxFrames = 0;       // frames handed to JS
  double rxOversize = 0;     // frames larger than a slot's room: skipped
  double rxTruncated = 0;    // frames the kernel truncated (larger than a ring frame): skipped
  double txFrames = 0;       // frames the kernel accepted
  double txRejected = 0;     // frames the kernel refused as invalid (EINVAL, EMSGSIZE...): skipped
  double txBusy = 0;         // sendBatch calls that stopped early on EAGAIN/ENOBUFS
  double rxGso = 0;          // GSO super-frames handed to JS (vnet header gso_type != 0)
  double txGso = 0;          // GSO super-frames the kernel accepted for segmentation
};

struct Handle {
  Kind kind = Kind::AfPacket;
  int fd = -1;
  int ctlFd = -1;  // a socket in the handle's netns for interface ioctls (TUN only; else fd)
  std::string ifname;
  int ifindex = 0;
  int rawProtocol = 0;  // RawIp: IPPROTO_IPIP (receive) or IPPROTO_RAW (send)
  bool vnetHdr = false;  // AfPacket with PACKET_VNET_HDR: a virtio_net_hdr precedes every frame
  // Tun: read(2) truncates silently, so each read has this spill area as a second iovec; a
  // packet that reaches it did not fit its slot.
  std::vector<uint8_t> spill;

  // TPACKET_V3 RX ring (AfPacket): blockCount blocks of blockSize bytes, mapped once.
  uint8_t* ring = nullptr;
  size_t ringLen = 0;
  uint32_t blockSize = 0;
  uint32_t blockCount = 0;
  uint32_t curBlock = 0;  // the block the next frame is read from
  uint32_t pktLeft = 0;   // frames left in curBlock (0: curBlock not yet taken from the kernel)
  uint32_t pktOff = 0;    // offset of the next frame within curBlock

  Counters c;
  Poller* poller = nullptr;

  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
};

class HandleTable {
 public:
  // Returns the new id, or -EMFILE when the id space is exhausted.
  int Add(std::unique_ptr<Handle> h);
  // The open handle with this id, or nullptr.
  Handle* Get(int64_t id) const;
  // Closes and frees the handle; false when the id is not open.
  bool Close(int64_t id);
  ~HandleTable();

  std::string lastError;  // what the last failing setup call was doing

 private:
  std::vector<std::unique_ptr<Handle>> slots_;
};

// Called by ~Handle to stop and release the handle's poller (poller.cc).
void DetachPoller(Handle& h);

}  // namespace uvs
