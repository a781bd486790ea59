#!/usr/bin/python3
"""Exports the ONNX fixture models of tests/data/onnx from real PyTorch definitions.

ResNet-50, MobileNetV2, EfficientNet-B0 and ViT-B/16 come from torchvision, a GPT-2-style decoder
block is written here in plain PyTorch. Nothing is downloaded: the weights are randomly
initialised, only the shapes matter. Each file is then stripped of its weight values (the
initializers keep their dims and type, the importer reads shapes only), so it stays small.

Beside every MODEL.onnx it writes MODEL.macs.csv, the multiply-accumulates of every conv, linear
and matrix-multiply layer counted from the PyTorch module's forward hooks, independently of ONNX
and of tessera; tests/onnx compares tessera's import against it.

Run with Debian's interpreter, which sees python3-torch, python3-torchvision and python3-onnx:
    /usr/bin/python3 scripts/export_onnx.py [OUT_DIR]      (default tests/data/onnx)
"""
import csv
import math
import os
import sys

import onnx
import torch
import torchvision
from torch import nn

OPSET = 17  # the first with LayerNormalization; onnx 1.12 (Debian 12) knows it


class MatMul(nn.Module):
    """a @ b as a module, so the MAC count sees it through a forward hook."""

    def forward(self, a, b):
        return a @ b


class DecoderBlock(nn.Module):
    """A GPT-2 (small) decoder block: pre-norm causal self-attention and a GELU MLP."""

    def __init__(self, d_model=768, heads=12):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.qk = MatMul()
        self.av = MatMul()
        self.proj = nn.Linear(d_model, d_model)
        self.ln_2 = nn.LayerNorm(d_model)
        self.fc = nn.Linear(d_model, 4 * d_model)
        self.act = nn.GELU()
        self.fc_proj = nn.Linear(4 * d_model, d_model)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln_1(x)).split(d, dim=2)
        q, k, v = (y.view(b, t, self.heads, d // self.heads).transpose(1, 2) for y in (q, k, v))
        scores = self.qk(q, k.transpose(2, 3)) / math.sqrt(d // self.heads)
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        scores = scores.masked_fill(~mask, float("-inf"))
        y = self.av(torch.softmax(scores, dim=-1), v)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
        return x + self.fc_proj(self.act(self.fc(self.ln_2(x))))


def models():
    image = torch.randn(1, 3, 224, 224)
    tv = torchvision.models
    return [
        ("resnet50", tv.resnet50(weights=None), image),
        ("mobilenet_v2", tv.mobilenet_v2(weights=None), image),
        ("efficientnet_b0", tv.efficientnet_b0(weights=None), image),
        ("vit_b_16", tv.vit_b_16(weights=None), image),
        ("gpt2_block", DecoderBlock(), torch.randn(1, 1024, 768)),
    ]


def count_macs(model, example):
    """(module name, kind, MACs) of every conv, linear and matmul, in call order."""
    rows = []

    def hook(name):
        def count(module, inputs, output):
            if isinstance(module, nn.Conv2d):
                per_output = module.in_channels // module.groups
                per_output *= module.kernel_size[0] * module.kernel_size[1]
                rows.append((name, "conv", output.numel() * per_output))
            elif isinstance(module, nn.Linear):
                rows.append((name, "linear", output.numel() * module.in_features))
            elif isinstance(module, MatMul):
                rows.append((name, "matmul", output.numel() * inputs[0].shape[-1]))
            elif isinstance(module, nn.MultiheadAttention):
                # Calls its projections through F.linear, so their hooks never fire: count the
                # packed input projection, Q K^T, A V and the output projection here, from the
                # attention output's shape (self-attention: query, key and value alike).
                out = output[0]
                length = out.shape[1] if module.batch_first else out.shape[0]
                batch = out.shape[0] if module.batch_first else out.shape[1]
                e, h = module.embed_dim, module.num_heads
                rows.append((name + ".in_proj", "linear", batch * length * e * 3 * e))
                rows.append((name + ".qk", "matmul", batch * h * length * length * (e // h)))
                rows.append((name + ".av", "matmul", batch * h * length * length * (e // h)))
                rows.append((name + ".out_proj", "linear", batch * length * e * e))

        return count

    handles = []
    for name, module in model.named_modules():
        inside_attention = any(
            name.startswith(other + ".") and isinstance(m, nn.MultiheadAttention)
            for other, m in model.named_modules()
            if other
        )
        if not inside_attention and isinstance(
            module, (nn.Conv2d, nn.Linear, MatMul, nn.MultiheadAttention)
        ):
            handles.append(module.register_forward_hook(hook(name)))
    with torch.no_grad():
        model(example)
    for h in handles:
        h.remove()
    return rows


def strip_weights(model_proto, keep_elements=64):
    """Drops the values of every float or boolean tensor (weights, masks) larger than
    `keep_elements`, keeping its dims and type; integer tensors (shapes, indices) keep their
    values, shape inference needs them."""
    float_types = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE,
                   onnx.TensorProto.BOOL}

    def strip(tensor):
        if tensor.data_type in float_types and math.prod(tensor.dims) > keep_elements:
            for field in ("raw_data", "float_data", "double_data", "int32_data"):
                tensor.ClearField(field)

    for tensor in model_proto.graph.initializer:
        strip(tensor)
    for node in model_proto.graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR:
                strip(attribute.t)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/data/onnx"
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    for name, model, example in models():
        model.eval()
        path = os.path.join(out_dir, name + ".onnx")
        torch.onnx.export(model, example, path, opset_version=OPSET, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
        proto = onnx.load(path)
        strip_weights(proto)
        onnx.save(proto, path)
        rows = count_macs(model, example)
        with open(os.path.join(out_dir, name + ".macs.csv"), "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["module", "kind", "macs"])
            writer.writerows(rows)
        total = sum(r[2] for r in rows)
        print(f"{path}: {os.path.getsize(path)} bytes, {len(rows)} layers, {total} MACs")


if __name__ == "__main__":
    main()
