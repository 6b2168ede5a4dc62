// poller.cc: see poller.h. Lifetime: a Poller is freed only in its uv_close callback, which runs
// on a later loop turn, so the callback path may keep using it after JS closed the handle.
#include "poller.h"

#include <cerrno>
#include <uv.h>

namespace uvs {

struct Poller {
  uv_poll_t uv{};
  napi_env env = nullptr;
  Napi::FunctionReference cb;
  Handle* owner = nullptr;
  napi_async_cleanup_hook_handle hook = nullptr;
  bool closing = false;
};

namespace {

void OnClosed(uv_handle_t* uvh) {
  Poller* p = static_cast<Poller*>(uvh->data);
  if (p->hook != nullptr) napi_remove_async_cleanup_hook(p->hook);
  delete p;
}

void Close(Poller* p) {
  if (p->closing) return;
  p->closing = true;
  if (p->owner != nullptr) p->owner->poller = nullptr;
  p->owner = nullptr;
  uv_poll_stop(&p->uv);
  p->cb.Reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&p->uv), OnClosed);
}

// Environment teardown (worker exit) with the poller still running.
void OnEnvCleanup(napi_async_cleanup_hook_handle, void* arg) { Close(static_cast<Poller*>(arg)); }

void OnPoll(uv_poll_t* uvh, int status, int) {
  Poller* p = static_cast<Poller*>(uvh->data);
  if (p->closing || p->cb.IsEmpty()) return;
  Napi::Env env(p->env);
  Napi::HandleScope scope(env);
  Napi::Value arg = Napi::Number::New(env, status);
  // MakeCallback runs microtasks after the call, as any libuv-driven callback in node does.
  p->cb.MakeCallback(env.Global(), {arg});
  if (env.IsExceptionPending()) {
    Napi::Error err = env.GetAndClearPendingException();
    napi_fatal_exception(p->env, err.Value());
  }
}

}  // namespace

int StartPoller(Napi::Env env, Handle& h, Napi::Function cb) {
  if (h.poller != nullptr) return -EBUSY;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return -EINVAL;
  auto* p = new Poller();
  p->env = env;
  p->uv.data = p;
  int r = uv_poll_init(loop, &p->uv, h.fd);
  if (r != 0) {
    delete p;
    return r;  // libuv errors are -errno on Linux
  }
  r = uv_poll_start(&p->uv, UV_READABLE, OnPoll);
  if (r != 0) {
    p->closing = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&p->uv), OnClosed);
    return r;
  }
  p->cb = Napi::Persistent(cb);
  p->owner = &h;
  h.poller = p;
  if (napi_add_async_cleanup_hook(env, OnEnvCleanup, p, &p->hook) != napi_ok) p->hook = nullptr;
  return 0;
}

void StopPoller(Handle& h) {
  if (h.poller != nullptr) Close(h.poller);
}

void DetachPoller(Handle& h) { StopPoller(h); }

}  // namespace uvs
