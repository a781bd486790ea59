#include "traces/text_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/error.h"

namespace tessera {

namespace {

// A folder opens as a stream on Linux and then reads as empty; name it for what it is.
void require_regular_file(const std::string& path, const std::string& field) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    throw InputError({path, 0, field}, "cannot open the file: not a regular file");
  }
}

}  // namespace

std::string read_text_file(const std::string& path, const std::string& field) {
  require_regular_file(path, field);
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError({path, 0, field},
                     std::string("cannot open the file: ") + std::strerror(errno));
  // Read into a string sized for the file at once: a trace of a million requests is tens of
  // megabytes, and growing a stream's buffer copied it over and over.
  std::string text;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec) text.reserve(static_cast<size_t>(size));
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError({path, 0, field}, "cannot read the file");
  return text;
}

MappedTextFile::MappedTextFile(const std::string& path, const std::string& field) {
  require_regular_file(path, field);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw InputError({path, 0, field},
                     std::string("cannot open the file: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    throw InputError({path, 0, field},
                     std::string("cannot read the file: ") + std::strerror(error));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    // MAP_POPULATE maps every page now, in one go, rather than on first touch.
    void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      throw InputError({path, 0, field},
                       std::string("cannot read the file: ") + std::strerror(error));
    }
    data_ = static_cast<const char*>(mapped);
  }
  ::close(fd);  // the mapping stays valid without the descriptor
}

MappedTextFile::~MappedTextFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace tessera
