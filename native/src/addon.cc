// addon.cc: module init of the uvs native addon. Exports plain functions only; the ABI is
// documented in native/README.md and typed on the JS side by src/io/native.ts.
// Invariant: no exported function throws for any argument; setup errors are -errno values.
#include <napi.h>

#include "bindings.h"
#include "probe.h"

namespace {

// Bumped whenever an exported function is added, removed or changes its arguments or results.
constexpr int kAbiVersion = 3;

Napi::Value AbiVersion(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), kAbiVersion);
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("afPacket", uvs::ProbeAfPacket());
  out.Set("tpacketV3", uvs::ProbeTpacketV3());
  out.Set("fanout", uvs::ProbeFanout());
  out.Set("ignoreOutgoing", uvs::ProbeIgnoreOutgoing());
  out.Set("tun", uvs::ProbeTun());
  out.Set("rawIpip", uvs::ProbeRawIpip());
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Function::New(env, AbiVersion, "abiVersion"));
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  uvs::RegisterDataPlane(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(uvs_native, Init)
