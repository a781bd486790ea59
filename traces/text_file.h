// Reading a user's input file whole, with the one error every reader gives for a file that is
// missing, not a regular file, or unreadable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera {

// The file's bytes. Throws InputError naming the file (line 0) and `field` otherwise.
[[nodiscard]] std::string read_text_file(const std::string& path, const std::string& field = "");

// The file's bytes mapped read-only instead of copied, for inputs of tens of megabytes and more
// (a DRAM trace): mapping costs a fraction of copying into fresh memory. Same errors as
// read_text_file.
class MappedTextFile {
 public:
  explicit MappedTextFile(const std::string& path, const std::string& field = "");
  ~MappedTextFile();
  MappedTextFile(const MappedTextFile&) = delete;
  MappedTextFile& operator=(const MappedTextFile&) = delete;

  [[nodiscard]] std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tessera
