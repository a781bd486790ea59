# The example plugins (examples/plugins/), built here against the source tree as well as outside
# it against the installed package (scripts/test_plugins.sh); with them, one test module for each
# other family, so that every family has an implementation made of one file and one line here;
# two more buffers, which choose what stays resident; and the broken ones the tests load: a library without the entry point, one built for another
# ABI, and a second copy of a plugin (whose names are then taken).
set(TESSERA_TEST_PLUGIN_DIR ${CMAKE_CURRENT_BINARY_DIR}/plugins)
function(tessera_test_plugin name source)
  add_library(${name} MODULE ${source})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE PkgConfig::SYSTEMC)
  set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TESSERA_TEST_PLUGIN_DIR})
  set_property(GLOBAL APPEND PROPERTY tessera_test_plugins ${name})
endfunction()

tessera_test_plugin(banked_dram ${PROJECT_SOURCE_DIR}/examples/plugins/banked_dram/banked_dram.cpp)
tessera_test_plugin(broadcast_array
                    ${PROJECT_SOURCE_DIR}/examples/plugins/broadcast_array/broadcast_array.cpp)
tessera_test_plugin(lru_buffer ${PROJECT_SOURCE_DIR}/examples/plugins/lru_buffer/lru_buffer.cpp)
tessera_test_plugin(belady_buffer ${CMAKE_CURRENT_SOURCE_DIR}/plugins/belady_buffer.cpp)
tessera_test_plugin(both_slots_buffer ${CMAKE_CURRENT_SOURCE_DIR}/plugins/both_slots_buffer.cpp)
tessera_test_plugin(throughput_crypto ${CMAKE_CURRENT_SOURCE_DIR}/plugins/throughput_crypto.cpp)
tessera_test_plugin(scalar_vector ${CMAKE_CURRENT_SOURCE_DIR}/plugins/scalar_vector.cpp)
tessera_test_plugin(tagged_decoder ${CMAKE_CURRENT_SOURCE_DIR}/plugins/tagged_decoder.cpp)
tessera_test_plugin(whole_layer_controller
                    ${CMAKE_CURRENT_SOURCE_DIR}/plugins/whole_layer_controller.cpp)
tessera_test_plugin(reads_first_scheduler ${CMAKE_CURRENT_SOURCE_DIR}/plugins/reads_first_scheduler.cpp)
tessera_test_plugin(no_entry_point ${CMAKE_CURRENT_SOURCE_DIR}/plugins/no_entry_point.cpp)
tessera_test_plugin(other_abi ${PROJECT_SOURCE_DIR}/examples/plugins/banked_dram/banked_dram.cpp)
target_compile_definitions(other_abi PRIVATE TESSERA_PLUGIN_ABI=999)
tessera_test_plugin(banked_dram_copy
                    ${PROJECT_SOURCE_DIR}/examples/plugins/banked_dram/banked_dram.cpp)

# The plugin test runs the tessera program with them: they are built before the test program.
function(tessera_plugins_before_tests)
  get_property(plugins GLOBAL PROPERTY tessera_test_plugins)
  add_dependencies(tessera_sim_tests ${plugins})
  target_compile_definitions(tessera_sim_tests PRIVATE
                             TESSERA_TEST_PLUGIN_DIR="${TESSERA_TEST_PLUGIN_DIR}")
endfunction()
cmake_language(DEFER CALL tessera_plugins_before_tests)
