// bindings.h: registers the data-plane functions (bindings.cc) on the module's exports.
#pragma once

#include <napi.h>

namespace uvs {

void RegisterDataPlane(Napi::Env env, Napi::Object exports);

}  // namespace uvs
