// Writes traces/samples/*.yaml from the SCALE-Sim topologies kept in tests/data/scalesim, with no
// mappings, so the simulator's built-in tiler maps them. Run through scripts/make_samples.sh.
#include <fstream>
#include <iostream>
#include <string>

#include "sim/error.h"
#include "traces/scalesim_import.h"
#include "traces/trace_writer.h"

namespace {

struct Sample {
  const char* name;
  const char* topology;  // under tests/data/scalesim
  bool gemm;
};

const Sample kSamples[] = {
    {"resnet50", "conv_nets/Resnet50.csv", false},
    {"alexnet", "conv_nets/alexnet.csv", false},
    {"mobilenet", "conv_nets/mobilenet.csv", false},
    {"gpt2_block", "GEMM_mnk/gpt2.csv", true},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " REPO_ROOT\n";
    return 1;
  }
  const std::string root = argv[1];
  try {
    for (const Sample& s : kSamples) {
      tessera::Trace trace =
          tessera::read_scalesim_topology(root + "/tests/data/scalesim/" + s.topology, s.gemm);
      trace.name = s.name;
      const std::string comment =
          std::string("Layer shapes from SCALE-Sim v2's topologies/") + s.topology +
          " (MIT; see NOTICE.md).\n" +
          (s.gemm ? "" : "Output sizes follow SCALE-Sim's convention (no padding, ceil).\n") +
          "No mappings: the built-in tiler maps the layers. Regenerate with "
          "scripts/make_samples.sh.";
      const std::string text = tessera::write_trace_yaml(trace, comment);
      const std::string out = root + "/traces/samples/" + s.name + ".yaml";
      std::ofstream(out, std::ios::binary) << text;
      std::cout << out << ": " << trace.layers.size() << " layers\n";
    }
  } catch (const tessera::InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
