#!/usr/bin/python3
"""Generate a tiny, deterministic BERT-style sentence-embedding model that
transformers.js (@xenova/transformers 2.x and @huggingface/transformers 3.x/4.x)
can load fully offline via pipeline('feature-extraction', <folder>).

Needs only Debian packages: apt-get install -y python3-onnx python3-numpy
Usage:  /usr/bin/python3 make_tiny_model.py OUT_DIR
Output: OUT_DIR/{config.json, tokenizer.json, tokenizer_config.json,
                 special_tokens_map.json, onnx/model.onnx, onnx/model_quantized.onnx}
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else "tiny-bert"
DIM = int(os.environ.get("TINY_DIM", "64"))  # a second fixture at 32-d tests model changes
MAX_POS, TYPES, OPSET = 128, 2, 14
rng = np.random.RandomState(1234)  # deterministic weights

# ---------------------------------------------------------------- vocabulary
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXT = """
The quick brown fox jumps over the lazy dog. Hello world, this is another text.
A search engine finds the most similar documents for a query by comparing their
embedding vectors. Each sentence is split into word pieces, looked up in a table,
mixed, pooled and normalized. Code, files, functions, classes, tests, errors and
comments in a project can all be indexed so that a user may ask questions about
them. We should keep the model small and fast, because it runs inside an editor
extension on the user's own machine without any network access. What time is it
now? Where are you going today? I think that good software has clear names, short
functions and useful documentation. Please open the file, read the data, write
the result and close the window. The cat sat on the mat while the sun was shining
and people were walking in the park near the river. Numbers like one two three
four five six seven eight nine ten are words too. Green red blue yellow black white.
"""
words = []
for w in TEXT.lower().replace("'", " ").split():
    w = "".join(ch for ch in w if ch.isalnum())
    if w and w not in words:
        words.append(w)
letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
digits = [str(d) for d in range(10)]
punct = list(".,!?;:'\"()[]{}-_/\\@#$%&*+=<>")
suffixes = ["##" + s for s in letters + digits + ["s", "ed", "ing", "er", "ly", "tion"]]
vocab = []
for tok in SPECIAL + punct + digits + letters + words + suffixes:
    if tok not in vocab:
        vocab.append(tok)
V = len(vocab)

# ---------------------------------------------------------------- weights
word_emb = rng.normal(0, 1.0, (V, DIM)).astype(np.float32)
word_emb[0] = 0.0  # [PAD]
pos_emb = (0.1 * rng.normal(0, 1.0, (MAX_POS, DIM))).astype(np.float32)
type_emb = (0.1 * rng.normal(0, 1.0, (TYPES, DIM))).astype(np.float32)
W1 = (rng.normal(0, 1.0, (DIM, DIM)) / np.sqrt(DIM)).astype(np.float32)
b1 = np.zeros(DIM, np.float32)
Wc = (0.5 * rng.normal(0, 1.0, (DIM, DIM)) / np.sqrt(DIM)).astype(np.float32)


def build(quantized: bool) -> onnx.ModelProto:
    init = [
        numpy_helper.from_array(pos_emb, "pos_emb"),
        numpy_helper.from_array(type_emb, "type_emb"),
        numpy_helper.from_array(W1, "W1"),
        numpy_helper.from_array(b1, "b1"),
        numpy_helper.from_array(Wc, "Wc"),
        numpy_helper.from_array(np.array(0, np.int64), "zero_i64"),
        numpy_helper.from_array(np.array(1, np.int64), "one_i64"),
        numpy_helper.from_array(np.array([1], np.int64), "idx1"),
        numpy_helper.from_array(np.array(1e-6, np.float32), "eps"),
        numpy_helper.from_array(np.array(1.0, np.float32), "one_f"),
    ]
    nodes = []
    if quantized:  # per-tensor uint8 weight quantization of the word table
        lo, hi = float(word_emb.min()), float(word_emb.max())
        scale = (hi - lo) / 255.0
        zp = int(round(-lo / scale))
        q = np.clip(np.round(word_emb / scale) + zp, 0, 255).astype(np.uint8)
        init += [numpy_helper.from_array(q, "word_emb_q"),
                 numpy_helper.from_array(np.array(scale, np.float32), "word_scale"),
                 numpy_helper.from_array(np.array(zp, np.uint8), "word_zp")]
        nodes.append(helper.make_node("DequantizeLinear", ["word_emb_q", "word_scale", "word_zp"], ["word_emb"]))
    else:
        init.append(numpy_helper.from_array(word_emb, "word_emb"))
    nodes += [
        helper.make_node("Gather", ["word_emb", "input_ids"], ["we"], axis=0),          # [b,s,d]
        helper.make_node("Gather", ["type_emb", "token_type_ids"], ["te"], axis=0),     # [b,s,d]
        helper.make_node("Shape", ["input_ids"], ["ishape"]),
        helper.make_node("Gather", ["ishape", "idx1"], ["seqlen1"], axis=0),
        helper.make_node("Squeeze", ["seqlen1"], ["seqlen"]),
        helper.make_node("Range", ["zero_i64", "seqlen", "one_i64"], ["pos_ids"]),       # [s]
        helper.make_node("Gather", ["pos_emb", "pos_ids"], ["pe"], axis=0),            # [s,d]
        helper.make_node("Add", ["we", "te"], ["e1"]),
        helper.make_node("Add", ["e1", "pe"], ["e"]),
        # layer norm over the last axis (manual, works on old and new ORT)
        helper.make_node("ReduceMean", ["e"], ["mu"], axes=[-1], keepdims=1),
        helper.make_node("Sub", ["e", "mu"], ["xc"]),
        helper.make_node("Mul", ["xc", "xc"], ["xc2"]),
        helper.make_node("ReduceMean", ["xc2"], ["var"], axes=[-1], keepdims=1),
        helper.make_node("Add", ["var", "eps"], ["var_eps"]),
        helper.make_node("Sqrt", ["var_eps"], ["std"]),
        helper.make_node("Div", ["xc", "std"], ["x"]),
        # masked mean "context" over the sequence (uses attention_mask)
        helper.make_node("Cast", ["attention_mask"], ["mf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mf", "neg1"], ["m3"]),                          # [b,s,1]
        helper.make_node("Mul", ["x", "m3"], ["xm"]),
        helper.make_node("ReduceSum", ["xm", "idx1"], ["xsum"], keepdims=1),           # [b,1,d]
        helper.make_node("ReduceSum", ["m3", "idx1"], ["msum"], keepdims=1),           # [b,1,1]
        helper.make_node("Max", ["msum", "one_f"], ["msafe"]),
        helper.make_node("Div", ["xsum", "msafe"], ["ctx"]),
        # h = x + tanh(x W1 + b1) + ctx Wc
        helper.make_node("MatMul", ["x", "W1"], ["xw"]),
        helper.make_node("Add", ["xw", "b1"], ["xwb"]),
        helper.make_node("Tanh", ["xwb"], ["ff"]),
        helper.make_node("MatMul", ["ctx", "Wc"], ["cw"]),
        helper.make_node("Add", ["x", "ff"], ["h1"]),
        helper.make_node("Add", ["h1", "cw"], ["last_hidden_state"]),
    ]
    init.append(numpy_helper.from_array(np.array([-1], np.int64), "neg1"))
    ins = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch_size", "sequence_length"])
           for n in ("input_ids", "attention_mask", "token_type_ids")]
    outs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                          ["batch_size", "sequence_length", DIM])]
    g = helper.make_graph(nodes, "tiny_bert", ins, outs, init)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_tiny_model.py")
    m.ir_version = 8  # readable by onnxruntime 1.14 (xenova 2.x) and 1.2x/1.30 (hf 3.x/4.x)
    onnx.checker.check_model(m, full_check=True)
    return m


os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)
onnx.save(build(False), os.path.join(OUT, "onnx", "model.onnx"))           # fp32: default of @huggingface/transformers on CPU
onnx.save(build(True), os.path.join(OUT, "onnx", "model_quantized.onnx"))  # q8: default of @xenova/transformers 2.x

config = {
    "_name_or_path": "tiny-bert-test", "architectures": ["BertModel"], "model_type": "bert",
    "vocab_size": V, "hidden_size": DIM, "num_hidden_layers": 1, "num_attention_heads": 1,
    "intermediate_size": DIM, "hidden_act": "gelu", "max_position_embeddings": MAX_POS,
    "type_vocab_size": TYPES, "layer_norm_eps": 1e-6, "pad_token_id": 0,
    "transformers_version": "4.40.0",
}
special = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
tok_config = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
              "tokenize_chinese_chars": True, "model_max_length": MAX_POS, "clean_up_tokenization_spaces": True,
              **special}
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True} for i, t in enumerate(SPECIAL)],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
        "special_tokens": {t: {"id": t, "ids": [vocab.index(t)], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
    },
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
}
for name, obj in [("config.json", config), ("tokenizer_config.json", tok_config),
                  ("special_tokens_map.json", special), ("tokenizer.json", tokenizer)]:
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)
print(f"wrote {OUT}: vocab={V} dim={DIM}")
