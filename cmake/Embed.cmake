# tessera_embed(TARGET FUNCTION FILE): compiles FILE's text into TARGET as
# `const std::string& tessera::embedded::FUNCTION()`, so the binary carries its defaults and
# needs no data files at run time. CMake re-runs when FILE changes.
function(tessera_embed target function file)
  set(src "${PROJECT_SOURCE_DIR}/${file}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${src}")
  file(READ "${src}" text)
  string(FIND "${text}" ")tessera_embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter used to embed it")
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${function}.cpp")
  file(WRITE "${out}.new"
    "// Generated from ${file} by cmake/Embed.cmake.\n#include <string>\n"
    "namespace tessera::embedded {\nconst std::string& ${function}() {\n"
    "  static const std::string text = R\"tessera_embed(${text})tessera_embed\";\n"
    "  return text;\n}\n}  // namespace tessera::embedded\n")
  file(COPY_FILE "${out}.new" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${target} PRIVATE "${out}")
endfunction()
