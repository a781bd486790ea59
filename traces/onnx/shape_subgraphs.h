// Folds the integer subgraphs of an ONNX graph that compute shapes into constants. Internal to
// traces/onnx.
#pragma once

#include <map>
#include <string>

#include <onnx/onnx_pb.h>

#include "traces/onnx/onnx_graph.h"

namespace tessera::onnx_import {

// Evaluates every node whose output follows from constants and the known `dims` (Shape), adds
// the values that remaining nodes read as initializers and removes the evaluated nodes. Returns
// how many nodes it folded (0: nothing left to fold).
int fold_shape_subgraphs(onnx::GraphProto& graph, const std::map<std::string, Dims>& dims);

}  // namespace tessera::onnx_import
