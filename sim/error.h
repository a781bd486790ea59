// Typed errors. Library code throws; only the command line turns them into a message and an exit
// code, so a model never exits the process behind the caller's back.
#pragma once

#include <stdexcept>
#include <string>

namespace tessera {

// Where in a user's file a problem was found. line 0 means "the whole file".
struct SourceLocation {
  std::string file;
  int line = 0;
  std::string field;
};

// Bad user input: a malformed trace, config, matrix or CSV file, an unknown key, an impossible
// value. Always names the file, line and field. The command line exits with code 2.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& message)
      : std::runtime_error(format(where, message)), where_(std::move(where)) {}

  [[nodiscard]] const SourceLocation& where() const { return where_; }

 private:
  static std::string format(const SourceLocation& w, const std::string& message) {
    std::string out = w.file.empty() ? std::string("<input>") : w.file;
    if (w.line > 0) out += ":" + std::to_string(w.line);
    if (!w.field.empty()) out += ": field '" + w.field + "'";
    return out + ": " + message;
  }
  SourceLocation where_;
};

// The simulation itself found something wrong (a functional mismatch, an integrity violation).
// The command line exits with code 3.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tessera
