# `cmake --install`: the tessera program, the headers every family's contract needs, and a CMake
# package, so that a module can be built outside the tree as a plugin:
#
#   find_package(tessera REQUIRED)
#   tessera_add_plugin(mine mine.cpp)      # libmine.so, for `tessera --plugin libmine.so`
#
# The plugin is linked against nothing: its symbols are the running tessera's (ENABLE_EXPORTS).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS tessera RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(folder models plan secure sim sparse traces)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tessera/${folder}
          FILES_MATCHING PATTERN "*.h")
endforeach()

set(TESSERA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tessera)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tesseraConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/tesseraConfig.cmake
                              INSTALL_DESTINATION ${TESSERA_CMAKE_DIR}
                              PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tesseraConfigVersion.cmake
                                 COMPATIBILITY ExactVersion)
install(FILES ${CMAKE_BINARY_DIR}/tesseraConfig.cmake ${CMAKE_BINARY_DIR}/tesseraConfigVersion.cmake
        DESTINATION ${TESSERA_CMAKE_DIR})
