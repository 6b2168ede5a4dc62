// bindings.cc: the N-API surface of the data plane (native/README.md has the ABI table). Each
// function checks every argument (args.h) and returns a number: a count, a handle id, 0, or
// -errno; none throws. Buffers stay owned by JS: pointers into them are used only during the
// call (JS cannot run, so the memory cannot move or be freed meanwhile).
// The handle table is per environment (N-API instance data), so each worker thread has its own.
#include "bindings.h"

#include <cerrno>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "args.h"
#include "endpoints.h"
#include "handle.h"
#include "poller.h"

namespace uvs {

namespace {

constexpr int64_t kMaxSlot = 1 << 20;     // bytes per slot
constexpr int64_t kMaxBatch = 1 << 16;    // frames per call
constexpr size_t kStatsLen = 11;          // Float64Array length for stats()
constexpr uint32_t kMaxFilterInsns = 4096;  // BPF_MAXINSNS

HandleTable& Table(Napi::Env env) {
  HandleTable* t = env.GetInstanceData<HandleTable>();
  if (t == nullptr) {
    t = new HandleTable();
    env.SetInstanceData<HandleTable>(t);  // deleted (and every handle closed) at env teardown
  }
  return *t;
}

Napi::Number Num(Napi::Env env, double v) { return Napi::Number::New(env, v); }

// Clears an exception a getter of the caller's object may have left, and reports -EINVAL.
Napi::Value Invalid(Napi::Env env, const std::string& what) {
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  Table(env).lastError = what;
  return Num(env, -EINVAL);
}

Handle* HandleArg(const Napi::CallbackInfo& info, size_t i) {
  int64_t id;
  if (info.Length() <= i || !IntArg(info[i], 0, INT32_MAX, &id)) return nullptr;
  return Table(info.Env()).Get(id);
}

Napi::Value Opened(Napi::Env env, int rc, std::unique_ptr<Handle> h, const std::string& what) {
  HandleTable& t = Table(env);
  if (rc < 0) {
    t.lastError = what;
    return Num(env, rc);
  }
  int id = t.Add(std::move(h));
  if (id < 0) t.lastError = "handle table full";
  return Num(env, id);
}

bool IfName(const Napi::Object& o, const char* key, bool required, std::string* out) {
  if (required && !o.Get(key).IsString()) return false;
  return OptString(o, key, IFNAMSIZ - 1, out) && (!required || !out->empty());
}

// Classic BPF as a Uint32Array of [code, jt, jf, k] per instruction, 1..4096 instructions.
bool FilterArg(const Napi::Value& f, std::vector<sock_filter>* out) {
  uint32_t* w;
  size_t n;
  if (!TypedArg(f, napi_uint32_array, &w, &n) || n == 0 || n % 4 != 0 || n / 4 > kMaxFilterInsns) return false;
  out->clear();
  for (size_t i = 0; i < n; i += 4) {
    if (w[i] > 0xffff || w[i + 1] > 0xff || w[i + 2] > 0xff) return false;
    out->push_back(sock_filter{static_cast<uint16_t>(w[i]), static_cast<uint8_t>(w[i + 1]),
                               static_cast<uint8_t>(w[i + 2]), w[i + 3]});
  }
  return true;
}

// The four per-frame offload arrays (Uint16Array csumStart, csumOff; Uint8Array gsoType;
// Uint16Array gsoSize) starting at info[i], each with at least `need` elements.
bool VnetArgs(const Napi::CallbackInfo& info, size_t i, uint64_t need, VnetArrays* v) {
  size_t a, b, c, d;
  if (!TypedArg(info[i], napi_uint16_array, &v->csumStart, &a) ||
      !TypedArg(info[i + 1], napi_uint16_array, &v->csumOff, &b) ||
      !TypedArg(info[i + 2], napi_uint8_array, &v->gsoType, &c) ||
      !TypedArg(info[i + 3], napi_uint16_array, &v->gsoSize, &d))
    return false;
  return need <= a && need <= b && need <= c && need <= d;
}

// { ifname, netns?, blockSize?, blockCount?, frameSize?, retireTovMs?, fanoutGroup?, fanoutMode?,
//   ignoreOutgoing?, qdiscBypass?, vnetHdr?, filter?: Uint32Array of [code, jt, jf, k] per
//   instruction, fanoutProgram?: the same, for fanoutMode 6 (PACKET_FANOUT_CBPF) }
Napi::Value AfPacketOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return Invalid(env, "options: not an object");
  Napi::Object o = info[0].As<Napi::Object>();
  AfPacketOptions a;
  int64_t bs = a.blockSize, bc = a.blockCount, fs = a.frameSize, tov = a.retireTovMs;
  int64_t fg = a.fanoutGroup, fm = a.fanoutMode;
  if (!IfName(o, "ifname", true, &a.ifname)) return Invalid(env, "options.ifname");
  if (!OptString(o, "netns", 200, &a.netns)) return Invalid(env, "options.netns");
  if (!OptInt(o, "blockSize", 4096, 1 << 26, &bs) || bs % 4096 != 0) return Invalid(env, "options.blockSize");
  if (!OptInt(o, "blockCount", 1, 1 << 16, &bc) || bs * bc > (int64_t{1} << 32))
    return Invalid(env, "options.blockCount");
  if (!OptInt(o, "frameSize", 64, bs, &fs) || fs % TPACKET_ALIGNMENT != 0) return Invalid(env, "options.frameSize");
  if (!OptInt(o, "retireTovMs", 0, 60000, &tov)) return Invalid(env, "options.retireTovMs");
  if (!OptInt(o, "fanoutGroup", -1, 0xffff, &fg)) return Invalid(env, "options.fanoutGroup");
  if (!OptInt(o, "fanoutMode", 0, 7, &fm)) return Invalid(env, "options.fanoutMode");
  if (!OptBool(o, "ignoreOutgoing", &a.ignoreOutgoing)) return Invalid(env, "options.ignoreOutgoing");
  if (!OptBool(o, "qdiscBypass", &a.qdiscBypass)) return Invalid(env, "options.qdiscBypass");
  if (!OptBool(o, "vnetHdr", &a.vnetHdr)) return Invalid(env, "options.vnetHdr");
  Napi::Value f = o.Get("filter");
  if (!f.IsUndefined() && !f.IsNull()) {
    if (!FilterArg(f, &a.filter)) return Invalid(env, "options.filter");
    a.hasFilter = true;
  }
  Napi::Value fp = o.Get("fanoutProgram");
  if (!fp.IsUndefined() && !fp.IsNull()) {
    if (fm != PACKET_FANOUT_CBPF || fg < 0 || !FilterArg(fp, &a.fanoutProg))
      return Invalid(env, "options.fanoutProgram");
    a.hasFanoutProg = true;
  }
  if (env.IsExceptionPending()) return Invalid(env, "options: a getter threw");
  a.blockSize = static_cast<uint32_t>(bs);
  a.blockCount = static_cast<uint32_t>(bc);
  a.frameSize = static_cast<uint32_t>(fs);
  a.retireTovMs = static_cast<uint32_t>(tov);
  a.fanoutGroup = static_cast<int>(fg);
  a.fanoutMode = static_cast<int>(fm);
  std::unique_ptr<Handle> h;
  std::string what;
  int rc = OpenAfPacket(a, &h, &what);
  return Opened(env, rc, std::move(h), what);
}

// { name?, netns? }
Napi::Value TunOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return Invalid(env, "options: not an object");
  Napi::Object o = info[0].As<Napi::Object>();
  TunOptions t;
  if (!IfName(o, "name", false, &t.name)) return Invalid(env, "options.name");
  if (!OptString(o, "netns", 200, &t.netns)) return Invalid(env, "options.netns");
  if (env.IsExceptionPending()) return Invalid(env, "options: a getter threw");
  std::unique_ptr<Handle> h;
  std::string what;
  int rc = OpenTun(t, &h, &what);
  return Opened(env, rc, std::move(h), what);
}

// { protocol: 4 | 255, ifname?, netns? }
Napi::Value RawIpOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return Invalid(env, "options: not an object");
  Napi::Object o = info[0].As<Napi::Object>();
  RawIpOptions r;
  int64_t proto = -1;
  if (!OptInt(o, "protocol", 0, 255, &proto) || (proto != IPPROTO_IPIP && proto != IPPROTO_RAW))
    return Invalid(env, "options.protocol");
  r.protocol = static_cast<int>(proto);
  if (!IfName(o, "ifname", false, &r.ifname)) return Invalid(env, "options.ifname");
  if (!OptString(o, "netns", 200, &r.netns)) return Invalid(env, "options.netns");
  if (env.IsExceptionPending()) return Invalid(env, "options: a getter threw");
  std::unique_ptr<Handle> h;
  std::string what;
  int rc = OpenRawIp(r, &h, &what);
  return Opened(env, rc, std::move(h), what);
}

// HOT. recvBatch(handle, data: Uint8Array, off: Int32Array, len: Int32Array, meta: Uint32Array,
//                csumStart: Uint16Array, csumOff: Uint16Array, gsoType: Uint8Array,
//                gsoSize: Uint16Array, slotSize, headroom, max) -> count | -errno
Napi::Value RecvBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) return Num(env, -EINVAL);
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  RxBatch b{};
  size_t dataLen, offLen, lenLen, metaLen;
  int64_t slot, head, max;
  if (!TypedArg(info[1], napi_uint8_array, &b.data, &dataLen) ||
      !TypedArg(info[2], napi_int32_array, &b.off, &offLen) ||
      !TypedArg(info[3], napi_int32_array, &b.len, &lenLen) ||
      !TypedArg(info[4], napi_uint32_array, &b.meta, &metaLen) || !IntArg(info[9], 1, kMaxSlot, &slot) ||
      !IntArg(info[10], 0, slot - 1, &head) || !IntArg(info[11], 0, kMaxBatch, &max) ||
      !VnetArgs(info, 5, static_cast<uint64_t>(max), &b.v))
    return Num(env, -EINVAL);
  if (static_cast<uint64_t>(max) > offLen || static_cast<uint64_t>(max) > lenLen ||
      static_cast<uint64_t>(max) > metaLen || static_cast<uint64_t>(max) * static_cast<uint64_t>(slot) > dataLen ||
      static_cast<uint64_t>(dataLen) > INT32_MAX)
    return Num(env, -EINVAL);
  if (max == 0) return Num(env, 0);
  b.slotSize = static_cast<uint32_t>(slot);
  b.headroom = static_cast<uint32_t>(head);
  b.max = static_cast<uint32_t>(max);
  return Num(env, RecvFrames(*h, b));
}

// HOT. sendBatch(handle, data: Uint8Array, off: Int32Array, len: Int32Array, meta: Uint32Array,
//                csumStart: Uint16Array, csumOff: Uint16Array, gsoType: Uint8Array,
//                gsoSize: Uint16Array, count) -> n | -errno
Napi::Value SendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) return Num(env, -EINVAL);
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  uint8_t* data;
  int32_t* off;
  int32_t* len;
  uint32_t* meta;
  VnetArrays v{};
  size_t dataLen, offLen, lenLen, metaLen;
  int64_t count;
  if (!TypedArg(info[1], napi_uint8_array, &data, &dataLen) || !TypedArg(info[2], napi_int32_array, &off, &offLen) ||
      !TypedArg(info[3], napi_int32_array, &len, &lenLen) || !TypedArg(info[4], napi_uint32_array, &meta, &metaLen) ||
      !IntArg(info[9], 0, kMaxBatch, &count) || !VnetArgs(info, 5, static_cast<uint64_t>(count), &v))
    return Num(env, -EINVAL);
  if (static_cast<uint64_t>(count) > offLen || static_cast<uint64_t>(count) > lenLen ||
      static_cast<uint64_t>(count) > metaLen)
    return Num(env, -EINVAL);
  for (int64_t i = 0; i < count; i++) {
    if (off[i] < 0 || len[i] <= 0 || static_cast<uint64_t>(off[i]) + static_cast<uint64_t>(len[i]) > dataLen)
      return Num(env, -EINVAL);
  }
  if (count == 0) return Num(env, 0);
  TxBatch b{data, off, len, meta, v, static_cast<uint32_t>(count)};
  return Num(env, SendFrames(*h, b));
}

// wait(handle, timeoutMs 0..10000) -> 1 readable | 0 timeout | -errno. Blocks the calling thread.
Napi::Value Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  int64_t ms;
  if (info.Length() < 2 || !IntArg(info[1], 0, 10000, &ms)) return Num(env, -EINVAL);
  return Num(env, WaitReadable(*h, static_cast<int>(ms)));
}

// pollStart(handle, cb: (status: number) => void) -> 0 | -errno
Napi::Value PollStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  if (info.Length() < 2 || !info[1].IsFunction()) return Num(env, -EINVAL);
  return Num(env, StartPoller(env, *h, info[1].As<Napi::Function>()));
}

Napi::Value PollStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  StopPoller(*h);
  return Num(env, 0);
}

// stats(handle, out: Float64Array(>= 9)) -> 0 | -errno. Order: native/README.md.
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  double* out;
  size_t n;
  if (info.Length() < 2 || !TypedArg(info[1], napi_float64_array, &out, &n) || n < kStatsLen)
    return Num(env, -EINVAL);
  int rc = RefreshStats(*h);
  const Counters& c = h->c;
  const double v[kStatsLen] = {c.kernelPackets, c.kernelDrops, c.freezeQueue, c.rxFrames,
                               c.rxOversize,    c.rxTruncated, c.txFrames,    c.txRejected,
                               c.txBusy,        c.rxGso,       c.txGso};
  for (size_t i = 0; i < kStatsLen; i++) out[i] = v[i];
  return Num(env, rc);
}

// linkInfo(handle) -> { name, ifindex, mtu, mac: number[6] } | -errno
Napi::Value LinkInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  int mtu = 0;
  uint8_t mac[6] = {0, 0, 0, 0, 0, 0};
  int rc = QueryInterface(*h, &mtu, mac);
  if (rc < 0 && !h->ifname.empty()) return Num(env, rc);
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", h->ifname);
  o.Set("ifindex", h->ifindex);
  o.Set("mtu", mtu);
  Napi::Array m = Napi::Array::New(env, 6);
  for (uint32_t i = 0; i < 6; i++) m.Set(i, Num(env, mac[i]));
  o.Set("mac", m);
  return o;
}

// fanoutProgram(handle, filter: Uint32Array) -> 0 | -errno: replaces the classic BPF program of
// the handle's PACKET_FANOUT_CBPF group (shared by every member socket).
Napi::Value FanoutProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info, 0);
  if (h == nullptr) return Num(env, -EBADF);
  std::vector<sock_filter> prog;
  if (info.Length() < 2 || !FilterArg(info[1], &prog)) return Num(env, -EINVAL);
  return Num(env, SetFanoutProgram(*h, prog));
}

Napi::Value Fd(const Napi::CallbackInfo& info) {
  Handle* h = HandleArg(info, 0);
  return Num(info.Env(), h == nullptr ? -EBADF : h->fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (info.Length() < 1 || !IntArg(info[0], 0, INT32_MAX, &id)) return Num(env, -EBADF);
  return Num(env, Table(env).Close(id) ? 0 : -EBADF);
}

Napi::Value LastError(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Table(info.Env()).lastError);
}

}  // namespace

void RegisterDataPlane(Napi::Env env, Napi::Object exports) {
  Table(env);
  const struct {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  } fns[] = {
      {"afpacketOpen", AfPacketOpen}, {"tunOpen", TunOpen},     {"rawIpOpen", RawIpOpen},
      {"recvBatch", RecvBatch},       {"sendBatch", SendBatch}, {"wait", Wait},
      {"pollStart", PollStart},       {"pollStop", PollStop},   {"stats", Stats},
      {"linkInfo", LinkInfo},         {"fd", Fd},               {"close", Close},
      {"lastError", LastError},       {"fanoutProgram", FanoutProgram},
  };
  for (const auto& f : fns) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace uvs
