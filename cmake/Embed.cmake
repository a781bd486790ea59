# tessera_embed(TARGET FUNCTION FILE): compiles FILE (relative to the source root) into TARGET as
# `std::string_view tessera::FUNCTION()` returning its exact bytes, regenerated whenever FILE
# changes. The binary carries its defaults and needs no data files at run time.
function(tessera_embed target function file)
  set(input "${PROJECT_SOURCE_DIR}/${file}")
  set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded_${function}.cpp")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAME=${function}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake"
    DEPENDS "${input}" "${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake"
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE "${output}")
endfunction()
