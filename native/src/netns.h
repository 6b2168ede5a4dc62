// netns.h: run a setup step inside another network namespace, on the calling thread only.
// Sockets and TUN devices keep the namespace they were created in, so the data plane can open
// endpoints in a namespace (uvsd --netns, the native tests) without the process living in it.
// Invariant: the thread is back in its original namespace when the guard is destroyed; if that
// is impossible the process aborts rather than run on in the wrong namespace.
#pragma once

#include <string>

namespace uvs {

class NetnsGuard {
 public:
  // ns: "" (stay), a name under /run/netns, or an absolute path to a netns file.
  explicit NetnsGuard(const std::string& ns);
  ~NetnsGuard();
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;
  // 0 when the thread is now in the namespace, else -errno (and it did not move).
  int error() const { return err_; }

 private:
  int orig_ = -1;
  int err_ = 0;
};

}  // namespace uvs
