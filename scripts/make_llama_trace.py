#!/usr/bin/env python3
"""Writes a tessera trace of Llama-2-7B prefill as GEMMs, without ONNX.

Per decoder layer (32 of them), for T tokens (default 2048): the Q, K, V and O projections
(T x 4096 x 4096), per attention head (32 of 128 dims) Q.K^T (T x T x 128) and scores.V
(T x 128 x T), and the MLP's gate and up projections (T x 11008 x 4096) and down projection
(T x 4096 x 11008): 71 GEMMs a layer, 2,272 in all. Shapes from the Llama 2 paper (Touvron et
al., 2023: 4096 hidden, 32 heads, 32 layers, 11008 MLP). Normalisation, rotary embedding, softmax
and the SiLU are element-wise and left out, as the embedding lookup and the LM head are.
Usage: scripts/make_llama_trace.py [OUT.yaml] [--tokens T] [--layers L] [--precision BITS]
"""
import argparse
import sys

HIDDEN, HEADS, HEAD_DIM, MLP, LAYERS = 4096, 32, 128, 11008, 32


def layers(tokens, count):
    for l in range(count):
        for proj in ("q", "k", "v"):
            yield f"l{l}_{proj}_proj", tokens, HIDDEN, HIDDEN
        for h in range(HEADS):
            yield f"l{l}_h{h}_qk", tokens, tokens, HEAD_DIM
            yield f"l{l}_h{h}_av", tokens, HEAD_DIM, tokens
        yield f"l{l}_o_proj", tokens, HIDDEN, HIDDEN
        yield f"l{l}_gate_proj", tokens, MLP, HIDDEN
        yield f"l{l}_up_proj", tokens, MLP, HIDDEN
        yield f"l{l}_down_proj", tokens, HIDDEN, MLP


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("out", nargs="?", default="-")
    p.add_argument("--tokens", type=int, default=2048)
    p.add_argument("--layers", type=int, default=LAYERS)
    p.add_argument("--precision", type=int, default=8)
    a = p.parse_args(argv)
    lines = ["# tessera trace, format v1 (traces/FORMAT.md); written by scripts/make_llama_trace.py",
             f"# Llama-2-7B prefill, {a.tokens} tokens, {a.layers} decoder layers, as GEMMs.",
             "tessera_trace: 1", f"name: llama2_7b_prefill_{a.tokens}", "layers:"]
    for name, m, n, k in layers(a.tokens, a.layers):
        lines += [f"  - name: {name}", "    op: gemm", f"    m: {m}", f"    n: {n}",
                  f"    k: {k}", f"    precision: {a.precision}"]
    text = "\n".join(lines) + "\n"
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
