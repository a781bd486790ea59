# Turns a text file into a C++ source defining `std::string_view tessera::NAME()`, which returns
# the file's bytes exactly: the shipped file and the compiled-in copy cannot drift apart.
#
#   cmake -DINPUT=in.yaml -DOUTPUT=out.cpp -DNAME=function_name -P embed_text.cmake
foreach(var INPUT OUTPUT NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${INPUT}" text)
set(delimiter "tessera_embed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains ')${delimiter}\"', which would end the raw string")
endif()

cmake_path(GET INPUT FILENAME input_name)
set(code "// Generated from ${input_name} by cmake/embed_text.cmake. Do not edit.\n")
string(APPEND code "#include <string_view>\n\nnamespace tessera {\n\n")
string(APPEND code "std::string_view ${NAME}() {\n")
string(APPEND code "  return R\"${delimiter}(${text})${delimiter}\";\n}\n\n}  // namespace tessera\n")

file(WRITE "${OUTPUT}" "${code}")
