// poller.h: a libuv poll watcher on a handle's fd that calls a JS function when it is readable
// (level-triggered: called again on every loop turn while frames are waiting).
// Owns: the uv_poll_t, the function reference, and an async cleanup hook so a worker thread that
// exits with a poller still running closes it before its loop is closed.
// Must not: run JS from anywhere but the loop thread of the environment that created it.
#pragma once

#include <napi.h>

#include "handle.h"

namespace uvs {

// 0, or -errno (-EBUSY when the handle already has a poller).
int StartPoller(Napi::Env env, Handle& h, Napi::Function cb);
// Stops and releases the handle's poller, if any (safe from inside the callback).
void StopPoller(Handle& h);

}  // namespace uvs
