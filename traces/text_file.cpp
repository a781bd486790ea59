#include "traces/text_file.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/error.h"

namespace tessera {

std::string read_text_file(const std::string& path, const std::string& field) {
  std::error_code ec;
  // A folder opens as a stream on Linux and then reads as empty; name it for what it is.
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    throw InputError({path, 0, field}, "cannot open the file: not a regular file");
  }
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

}  // namespace tessera
