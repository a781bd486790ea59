// crypto: aes_gcm's tag region: each tile block's tag has a DRAM slot of its own (the tile's
// number in the layer's tile grid), inside its tensor's tag area, so a cycle-level DRAM sees tags
// where a real memory would keep them. Each test runs in its own process (SystemC elaborates once
// per process).
#include <gtest/gtest.h>

#include <set>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/crypto/interface.h"
#include "models/crypto/protected_store.h"
#include "plan/tile_geometry.h"
#include "sim/arch_config.h"
#include "sim/registry.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

struct TagInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<TagInitiator> socket{"socket"};
  explicit TagInitiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {}
};

// A DRAM that records the address and size of every transaction and answers at once.
struct RecordingDram : sc_core::sc_module {
  tlm_utils::simple_target_socket<RecordingDram> socket{"socket"};
  std::vector<std::pair<uint64_t, int64_t>> accesses;
  explicit RecordingDram(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {
    socket.register_b_transport(this, &RecordingDram::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    const auto* ext = p.get_extension<TileExtension>();
    accesses.emplace_back(p.get_address(), ext->bytes);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// A 3x3 convolution: im2col makes an input tensor's GEMM view (m x k) 9 times its volume.
const char* const kTagSlotsTrace = R"(tessera_trace: 1
name: slots
layers:
  - name: conv
    op: conv
    input: [6, 6]
    channels: 2
    filters: 4
    filter: [3, 3]
    padding: 1
)";

TEST(AesGcmTagSlots, EveryTileBlockHasItsOwnTagSlotInsideItsTensorsArea) {
  Component::set_clock_mhz(1000);
  const Trace trace = parse_trace(kTagSlotsTrace, "slots.yaml");
  const Layer& layer = trace.layers.front();
  const ArchConfig arch =
      load_arch(default_arch_yaml(), "<built-in>", {"crypto.impl=aes_gcm", "crypto.tag_bits=64"});
  auto crypto = Registry<CryptoEngine>::instance()
                    .find("aes_gcm", {})
                    .create("crypto", arch.module("crypto").params);
  TagInitiator initiator("initiator");
  RecordingDram dram("dram");
  initiator.socket.bind(crypto->from_buffer);
  crypto->to_dram.bind(dram.socket);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  // One-element-wide tiles in m and k: the input tensor has 36 x 18 tile blocks, more than its
  // 72 elements, so its tag area must hold the tile grid, not only one slot per element.
  const GemmExtents tile{1, 4, 1};
  const GemmExtents g = layer.gemm();
  const uint64_t tags_begin = dram_data_end(layer);
  const uint64_t weights_tags =
      tags_begin +
      (static_cast<uint64_t>(max_tile_blocks(layer, Tensor::inputs)) * 8 + 4095) / 4096 * 4096;
  std::set<uint64_t> slots;
  for (int64_t m = 0; m < g[0]; m += 5) {
    for (int64_t k = 0; k < g[2]; ++k) {
      TransactionWith<StoredTensor> t;
      t.get<StoredTensor>().layer = &layer;
      t.get<StoredTensor>().buffer_tile = tile;
      t.ext.command = Command::fetch;
      t.ext.tensor = Tensor::inputs;
      t.ext.element_bits = layer.precision_bits;
      t.ext.range = {m, m + 1, 0, 4, k, k + 1};
      t.ext.box = tensor_box(layer, Tensor::inputs, t.ext.range);
      t.ext.bytes = box_bytes(t.ext.box, layer.precision_bits);
      if (t.ext.box.volume() == 0) continue;  // a padding-only tile moves nothing
      t.prepare(tlm::TLM_READ_COMMAND,
                dram_base(layer, Tensor::inputs) +
                    static_cast<uint64_t>(t.ext.box.first_element() * layer.precision_bits / 8));
      dram.accesses.clear();
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      initiator.socket->b_transport(t.payload, delay);
      ASSERT_TRUE(t.payload.is_response_ok());
      ASSERT_EQ(dram.accesses.size(), 2u);  // the block, then its tag
      EXPECT_EQ(dram.accesses[0].first, t.payload.get_address());
      const auto [tag_address, tag_bytes] = dram.accesses[1];
      EXPECT_EQ(tag_bytes, 8);
      EXPECT_EQ(tag_address,
                tags_begin + 8 * tile_block_number(layer, Tensor::inputs, tile, t.ext.range));
      EXPECT_GE(tag_address, tags_begin);
      EXPECT_LE(tag_address + 8, weights_tags);  // never in the weights' tag area
      EXPECT_TRUE(slots.insert(tag_address).second) << "two tiles share tag slot " << tag_address;
    }
  }
  EXPECT_GT(slots.size(), 100u);
}

}  // namespace
}  // namespace tessera
