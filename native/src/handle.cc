// handle.cc: see handle.h.
#include "handle.h"

#include <cerrno>
#include <sys/mman.h>
#include <unistd.h>

namespace uvs {

namespace {
constexpr size_t kMaxHandles = 1u << 20;
}

Handle::~Handle() {
  if (poller != nullptr) DetachPoller(*this);
  if (ring != nullptr) munmap(ring, ringLen);
  if (ctlFd >= 0 && ctlFd != fd) close(ctlFd);
  if (fd >= 0) close(fd);
}

int HandleTable::Add(std::unique_ptr<Handle> h) {
  if (slots_.size() >= kMaxHandles) return -EMFILE;
  slots_.push_back(std::move(h));
  return static_cast<int>(slots_.size() - 1);
}

Handle* HandleTable::Get(int64_t id) const {
  if (id < 0 || static_cast<uint64_t>(id) >= slots_.size()) return nullptr;
  return slots_[static_cast<size_t>(id)].get();
}

bool HandleTable::Close(int64_t id) {
  if (Get(id) == nullptr) return false;
  slots_[static_cast<size_t>(id)].reset();
  return true;
}

HandleTable::~HandleTable() { slots_.clear(); }

}  // namespace uvs
