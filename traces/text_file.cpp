#include "traces/text_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError({path, 0, field}, "cannot read the file");
  return text.str();
}

}  // namespace tessera
