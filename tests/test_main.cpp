// main() of every test program: GoogleTest runs inside sc_main, as a SystemC program must, with
// the kernel's banner switched off. gtest_discover_tests runs each test case in its own process,
// so each may elaborate and simulate once.
#include <cstdlib>

#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
