// Reports and generated files are written atomically: to a temporary file in the same folder,
// flushed, then renamed over the target. A reader never sees half a report, and a failed run
// leaves whatever was there before.
#pragma once

#include <string>
#include <string_view>

namespace tessera {

// A file written piece by piece (a long trace's report is never held whole) that appears under
// its name only at commit(); destroyed before that, it leaves no trace. Errors are InputError
// (field "output"): the folder does not exist or cannot be written.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void append(std::string_view text);
  void commit();

 private:
  void flush();
  [[noreturn]] void fail(const std::string& what);

  std::string path_, tmp_;
  int fd_ = -1;
  std::string pending_;  // written in large blocks
};

void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace tessera
