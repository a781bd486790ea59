// Reports and generated files are written atomically: to a temporary file in the same folder,
// flushed, then renamed over the target. A reader never sees half a report, and a failed run
// leaves whatever was there before.
#pragma once

#include <string>

namespace tessera {

// Throws InputError (field "output") when the folder does not exist or cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace tessera
