// netns.cc: see netns.h. setns(2) with CLONE_NEWNET changes only the calling thread.
#include "netns.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

namespace uvs {

NetnsGuard::NetnsGuard(const std::string& ns) {
  if (ns.empty()) return;
  if (ns.size() > 200 || ns.find('\0') != std::string::npos) {
    err_ = -EINVAL;
    return;
  }
  std::string path = ns[0] == '/' ? ns : "/run/netns/" + ns;
  if (ns[0] != '/' && (ns.find('/') != std::string::npos || ns == "." || ns == "..")) {
    err_ = -EINVAL;
    return;
  }
  int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    err_ = -errno;
    return;
  }
  orig_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (orig_ < 0) {
    err_ = -errno;
    close(target);
    return;
  }
  if (setns(target, CLONE_NEWNET) != 0) {
    err_ = -errno;
    close(target);
    close(orig_);
    orig_ = -1;
    return;
  }
  close(target);
}

NetnsGuard::~NetnsGuard() {
  if (orig_ < 0) return;
  if (setns(orig_, CLONE_NEWNET) != 0) abort();  // never continue in the wrong namespace
  close(orig_);
}

}  // namespace uvs
