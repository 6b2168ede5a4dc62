// batch-io.cc: moving batches of frames between endpoints and caller memory. recv dispatches to
// the AF_PACKET ring walker (afpacket.cc) or to read(2)/recvmmsg(2) loops; send is sendmmsg(2)
// with iovecs into the caller's buffer (AF_PACKET, raw IPv4) or a write(2) loop (TUN).
// Result of a send (native/README.md): frames taken from the head of the batch, sent or refused
// by the kernel as invalid (counted); fewer than count means the device pushed back; -errno only
// when the very first frame met a link-level error.
// Must not: block (MSG_DONTWAIT / O_NONBLOCK everywhere), loop without progress.
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "endpoints.h"

namespace uvs {

int AfPacketRecv(Handle& h, const RxBatch& b);  // afpacket.cc

namespace {

constexpr unsigned kChunk = 64;

bool IsBusy(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS; }

// Errors that belong to one frame (its length, its content, its route): skip it and go on.
bool IsFrameError(int e) {
  return e == EINVAL || e == EMSGSIZE || e == EPERM || e == EACCES || e == ENETUNREACH ||
         e == EHOSTUNREACH || e == EADDRNOTAVAIL || e == EPROTO;
}

// Endpoints without a vnet header: no offload metadata on received frames.
void NoOffloads(const RxBatch& b, uint32_t i) {
  b.v.csumStart[i] = 0;
  b.v.csumOff[i] = 0;
  b.v.gsoType[i] = 0;
  b.v.gsoSize[i] = 0;
}

// The virtio_net_hdr sent in front of frame i (AF_PACKET with PACKET_VNET_HDR, host byte order):
// a partial checksum for the kernel to finish, and the segment size it cuts a GSO frame into.
void VnetFor(const TxBatch& b, uint32_t i, VnetHdr* vh) {
  memset(vh, 0, sizeof *vh);
  if ((b.meta[i] & kMetaCsumPartial) != 0) {
    vh->flags = kVnetNeedsCsum;
    vh->csum_start = b.v.csumStart[i];
    vh->csum_offset = b.v.csumOff[i];
    vh->hdr_len = static_cast<uint16_t>(b.v.csumStart[i] + b.v.csumOff[i] + 2);
  }
  if (b.v.gsoType[i] != kVnetGsoNone && b.v.gsoSize[i] != 0) {
    vh->gso_type = b.v.gsoType[i];
    vh->gso_size = b.v.gsoSize[i];
  }
}

int32_t SlotOff(const RxBatch& b, uint32_t i) {
  return static_cast<int32_t>(static_cast<size_t>(i) * b.slotSize + b.headroom);
}

// TUN: one readv(2) per packet, the slot first and the spill area after it.
int ReadLoop(Handle& h, const RxBatch& b) {
  const uint32_t room = b.slotSize - b.headroom;
  uint32_t n = 0;
  uint32_t guard = b.max * 4 + 16;  // oversize frames are skipped; bound the loop anyway
  iovec iov[2];
  iov[1].iov_base = h.spill.data();
  iov[1].iov_len = h.spill.size();
  while (n < b.max && guard-- > 0) {
    iov[0].iov_base = b.data + SlotOff(b, n);
    iov[0].iov_len = room;
    ssize_t r = readv(h.fd, iov, 2);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      if (IsBusy(e)) break;
      if (n == 0) return -e;
      break;
    }
    if (static_cast<size_t>(r) > room) {
      h.c.rxOversize++;
      continue;
    }
    if (r == 0) continue;
    b.off[n] = SlotOff(b, n);
    b.len[n] = static_cast<int32_t>(r);
    b.meta[n] = 0;
    NoOffloads(b, n);
    n++;
  }
  h.c.rxFrames += n;
  return static_cast<int>(n);
}

// Raw IPv4: recvmmsg(2) straight into the slots; truncated datagrams are dropped and the later
// ones moved down so the batch stays dense.
int RecvMmsgLoop(Handle& h, const RxBatch& b) {
  const uint32_t room = b.slotSize - b.headroom;
  uint32_t n = 0;
  mmsghdr msgs[kChunk];
  iovec iov[kChunk];
  while (n < b.max) {
    unsigned m = b.max - n < kChunk ? b.max - n : kChunk;
    memset(msgs, 0, sizeof(mmsghdr) * m);
    for (unsigned k = 0; k < m; k++) {
      iov[k].iov_base = b.data + SlotOff(b, n + k);
      iov[k].iov_len = room;
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    int r = recvmmsg(h.fd, msgs, m, MSG_DONTWAIT, nullptr);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      if (IsBusy(e) || n > 0) break;
      return -e;
    }
    uint32_t kept = n;
    for (int k = 0; k < r; k++) {
      if ((msgs[k].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        h.c.rxOversize++;
        continue;
      }
      if (kept != n + static_cast<uint32_t>(k))
        memmove(b.data + SlotOff(b, kept), b.data + SlotOff(b, n + k), msgs[k].msg_len);
      b.off[kept] = SlotOff(b, kept);
      b.len[kept] = static_cast<int32_t>(msgs[k].msg_len);
      b.meta[kept] = 0;
      NoOffloads(b, kept);
      kept++;
    }
    n = kept;
    if (static_cast<unsigned>(r) < m) break;
  }
  h.c.rxFrames += n;
  return static_cast<int>(n);
}

int WriteLoop(Handle& h, const TxBatch& b) {
  uint32_t i = 0;
  while (i < b.count) {
    ssize_t r = write(h.fd, b.data + b.off[i], static_cast<size_t>(b.len[i]));
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      if (IsBusy(e)) {
        h.c.txBusy++;
        return static_cast<int>(i);
      }
      if (!IsFrameError(e)) return i > 0 ? static_cast<int>(i) : -e;
      h.c.txRejected++;
    } else {
      h.c.txFrames++;
    }
    i++;
  }
  return static_cast<int>(i);
}

// Raw IPv4 sockets need each frame's destination as msg_name: taken from its IPv4 header.
bool RawDest(const uint8_t* p, int32_t len, sockaddr_in* sin) {
  if (len < 20 || (p[0] >> 4) != 4) return false;
  memset(sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  memcpy(&sin->sin_addr.s_addr, p + 16, 4);
  return true;
}

int SendMmsgLoop(Handle& h, const TxBatch& b) {
  const bool raw = h.kind == Kind::RawIp;
  const bool vnet = h.vnetHdr;
  mmsghdr msgs[kChunk];
  iovec iov[kChunk * 2];  // with a vnet header: [header, frame] per message
  VnetHdr vh[kChunk];
  sockaddr_in dst[kChunk];
  uint32_t idx[kChunk];
  uint32_t rejBefore[kChunk + 1];  // frames refused while building, before message k
  uint32_t i = 0;
  while (i < b.count) {
    unsigned m = 0;
    uint32_t rej = 0;
    uint32_t j = i;
    for (; j < b.count && m < kChunk; j++) {
      const uint8_t* p = b.data + b.off[j];
      memset(&msgs[m], 0, sizeof(mmsghdr));
      if (raw) {
        if (!RawDest(p, b.len[j], &dst[m])) {
          rej++;
          continue;
        }
        msgs[m].msg_hdr.msg_name = &dst[m];
        msgs[m].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      }
      iovec* io = &iov[m * 2];
      if (vnet) {
        VnetFor(b, j, &vh[m]);
        io->iov_base = &vh[m];
        io->iov_len = sizeof(VnetHdr);
        io++;
      }
      io->iov_base = const_cast<uint8_t*>(p);
      io->iov_len = static_cast<size_t>(b.len[j]);
      msgs[m].msg_hdr.msg_iov = &iov[m * 2];
      msgs[m].msg_hdr.msg_iovlen = vnet ? 2 : 1;
      rejBefore[m] = rej;
      idx[m++] = j;
    }
    rejBefore[m] = rej;
    if (m == 0) {
      h.c.txRejected += rej;
      i = j;
      continue;
    }
    int r = sendmmsg(h.fd, msgs, m, MSG_DONTWAIT);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      h.c.txRejected += rejBefore[0];
      if (IsBusy(e)) {
        h.c.txBusy++;
        return static_cast<int>(idx[0]);
      }
      if (!IsFrameError(e)) return idx[0] > 0 ? static_cast<int>(idx[0]) : -e;
      h.c.txRejected++;
      i = idx[0] + 1;
      continue;
    }
    h.c.txFrames += r;
    h.c.txRejected += rejBefore[r];
    if (vnet)
      for (int k = 0; k < r; k++)
        if (vh[k].gso_type != kVnetGsoNone) h.c.txGso++;
    // On a partial send the failing frame is retried first in the next round (sendmmsg drops
    // its error code).
    i = static_cast<unsigned>(r) == m ? j : idx[r];
  }
  return static_cast<int>(i);
}

}  // namespace

int RecvFrames(Handle& h, const RxBatch& b) {
  switch (h.kind) {
    case Kind::AfPacket:
      return AfPacketRecv(h, b);
    case Kind::Tun:
      return ReadLoop(h, b);
    case Kind::RawIp:
      return RecvMmsgLoop(h, b);
  }
  return -EINVAL;
}

int SendFrames(Handle& h, const TxBatch& b) {
  if (h.kind == Kind::Tun) return WriteLoop(h, b);
  return SendMmsgLoop(h, b);
}

int WaitReadable(Handle& h, int timeoutMs) {
  pollfd p{};
  p.fd = h.fd;
  p.events = POLLIN;
  int r = poll(&p, 1, timeoutMs);
  if (r < 0) return errno == EINTR ? 0 : -errno;
  if (r == 0) return 0;
  return (p.revents & (POLLERR | POLLNVAL)) != 0 && (p.revents & POLLIN) == 0 ? -EIO : 1;
}

}  // namespace uvs
