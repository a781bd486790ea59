// A shared library that is not a tessera plugin: it has no TESSERA_PLUGIN() entry point.
extern "C" int not_a_tessera_plugin() {
  return 0;
}
