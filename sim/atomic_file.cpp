#include "sim/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "sim/error.h"

namespace tessera {

namespace {
constexpr size_t kBlockBytes = size_t{1} << 16;
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp.XXXXXX") {
  fd_ = mkstemp(tmp_.data());
  if (fd_ < 0) {
    tmp_.clear();
    fail("cannot create a file next to it");
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) std::remove(tmp_.c_str());
}

void AtomicFile::fail(const std::string& what) {
  const std::string reason = std::strerror(errno);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_.empty()) std::remove(tmp_.c_str());
  tmp_.clear();
  throw InputError({path_, 0, "output"}, what + ": " + reason);
}

void AtomicFile::append(std::string_view text) {
  pending_ += text;
  if (pending_.size() >= kBlockBytes) flush();
}

void AtomicFile::flush() {
  size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  pending_.clear();
}

void AtomicFile::commit() {
  flush();
  // mkstemp creates 0600; reports are ordinary user files.
  if (::fchmod(fd_, 0644) != 0 || ::fsync(fd_) != 0) fail("cannot finish writing");
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) fail("cannot finish writing");
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot replace");
  tmp_.clear();
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  AtomicFile file(path);
  file.append(contents);
  file.commit();
}

}  // namespace tessera
