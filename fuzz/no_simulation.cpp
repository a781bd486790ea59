// libsystemc refers to sc_main, but a fuzz target parses and never elaborates a design: libFuzzer
// owns main() and this is never called.
extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) {
  return 1;
}
