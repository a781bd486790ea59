#include "sim/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sim/error.h"

namespace tessera {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError({path, 0, "output"}, what + ": " + std::strerror(errno));
}
}  // namespace

void write_file_atomically(const std::string& path, const std::string& contents) {
  std::string tmp_template = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp_template.data());
  if (fd < 0) fail(path, "cannot create a file next to it");
  const std::string tmp = tmp_template;
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      std::remove(tmp.c_str());
      fail(path, "cannot write");
    }
    written += static_cast<size_t>(n);
  }
  // mkstemp creates 0600; reports are ordinary user files.
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    std::remove(tmp.c_str());
    fail(path, "cannot finish writing");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    fail(path, "cannot replace");
  }
}

}  // namespace tessera
