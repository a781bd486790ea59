// Reading a user's input file whole, with the one error every reader gives for a file that is
// missing, not a regular file, or unreadable.
#pragma once

#include <string>

namespace tessera {

// The file's bytes. Throws InputError naming the file (line 0) and `field` otherwise.
[[nodiscard]] std::string read_text_file(const std::string& path, const std::string& field = "");

}  // namespace tessera
