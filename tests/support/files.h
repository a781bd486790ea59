// What tests share for touching the file system and running the tessera binary: a temporary
// folder that cleans up after itself, whole-file reads, and running a shell command while
// capturing its output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tessera::test {

// A fresh folder under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tessera_test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  // Writes `text` to `name` inside the folder and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Single-quotes a path for the shell (test paths never contain quotes).
inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

// Runs a shell command (with any redirections it names) and returns its exit status, or -1 when
// it did not exit normally; `out` receives what it wrote on stdout.
inline int capture_stdout(const std::string& command, std::string& out) {
  out.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `command`; `output` receives stdout and stderr together.
inline int run(const std::string& command, std::string& output) {
  return capture_stdout(command + " 2>&1", output);
}

// Runs `command` with stdout discarded; `err` receives stderr.
inline int run_stderr(const std::string& command, std::string& err) {
  return capture_stdout(command + " 2>&1 >/dev/null", err);
}

}  // namespace tessera::test
