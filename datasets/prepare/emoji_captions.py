"""Build ``datasets/emoji_captions/``: rendered emoji captioned with their names.

Every fully qualified emoji in the ``emoji`` package whose English name has at
most ``MAX_WORDS`` words is drawn with the Noto Color Emoji font (a CBDT bitmap
font: Pillow draws it at size 109 with ``embedded_color=True``), cropped to its
ink, centred on a square, downscaled (Lanczos) to 32x32 and laid on white.
Left out: skin-tone variants, flags (regional-indicator and tag sequences),
keycaps, and anything the font does not draw as one glyph (newer emoji than
the font knows, which Pillow draws blank or as several glyphs).

The caption is the name in plain lower-case ASCII words: ``"grinning face"``,
``"woman's hat"``, ``"two-hump camel"`` (accents folded, curly apostrophes
straightened, other punctuation dropped). Split by name (CRC-32 of the
caption): about 80% train, 10% validation, 10% test; an emoji is in one split
only, so test emoji were never seen in training.

Writes (deterministic: a rerun gives the same bytes):

- ``emoji_captions.npz``: ``images`` uint8 (n, 32, 32, 3), rows in the order of
  ``emoji.csv``;
- ``emoji.csv``: ``index, split, caption, name, codepoints, emoji_version``
  (``name`` as the ``emoji`` package spells it, ``codepoints`` like ``"1F600"``
  or ``"1F468 200D 1F373"``).

Requirements (apt, Debian 12): fonts-noto-color-emoji 2.042-0+deb12u1 (with
libraqm for multi-codepoint sequences). Requirements (pip): numpy 2.4.6,
pillow 13.0.0, emoji 2.16.0.

Run from the repository root: ``python datasets/prepare/build.py emoji_captions``.
"""

import csv
import re
import sys
import unicodedata
import zlib
from pathlib import Path

import emoji
import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _files import write_npz  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "emoji_captions"
FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
FONT_SIZE = 109  # the one bitmap strike in the CBDT font
SIZE = 32
MAX_WORDS = 3
COLUMNS = ["index", "split", "caption", "name", "codepoints", "emoji_version"]
SPLITS = ("train", "validation", "test")


def excluded(sequence):
    for ch in sequence:
        cp = ord(ch)
        if 0x1F3FB <= cp <= 0x1F3FF:  # skin-tone modifiers
            return True
        if 0x1F1E6 <= cp <= 0x1F1FF or 0xE0020 <= cp <= 0xE007F:  # flags
            return True
        if cp == 0x20E3:  # keycaps
            return True
    return False


def caption_of(name):
    """``":woman’s_hat:"`` -> ``"woman's hat"``: lower-case ASCII words."""
    text = name.strip(":").replace("_", " ").replace("\u2019", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9' \-]", " ", text)
    return " ".join(text.split())


def split_of(caption):
    bucket = zlib.crc32(caption.encode("utf-8")) % 10
    return "test" if bucket == 0 else "validation" if bucket == 1 else "train"


def render(sequence, font):
    """Draw one emoji; return a 32x32 RGB uint8 array, or None if the font lacks it."""
    canvas = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((8, 8), sequence, font=font, embedded_color=True)
    box = canvas.getbbox()
    if box is None:
        return None
    glyph = canvas.crop(box)
    w, h = glyph.size
    side = max(w, h)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(glyph, ((side - w) // 2, (side - h) // 2))
    small = square.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    white = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 255))
    white.alpha_composite(small)
    return np.asarray(white.convert("RGB"), dtype=np.uint8)


def main():
    if not features.check("raqm"):
        raise RuntimeError("Pillow was built without libraqm; ZWJ sequences would not shape.")
    font = ImageFont.truetype(FONT, FONT_SIZE)
    one_glyph = font.getlength("\U0001f600")
    chosen, skipped = [], {"not fully qualified or excluded": 0, "long name": 0, "not one glyph": 0}
    for sequence, info in sorted(emoji.EMOJI_DATA.items()):
        if info["status"] != emoji.STATUS["fully_qualified"] or excluded(sequence):
            skipped["not fully qualified or excluded"] += 1
            continue
        caption = caption_of(info["en"])
        if len(info["en"].strip(":").split("_")) > MAX_WORDS:
            skipped["long name"] += 1
            continue
        image = render(sequence, font) if font.getlength(sequence) == one_glyph else None
        if image is None:
            skipped["not one glyph"] += 1
            continue
        chosen.append(
            {
                "caption": caption,
                "name": info["en"],
                "split": split_of(caption),
                "codepoints": " ".join(f"{ord(c):04X}" for c in sequence),
                "emoji_version": info["E"],
                "image": image,
            }
        )
    captions = [c["caption"] for c in chosen]
    if len(set(captions)) != len(captions):
        raise RuntimeError("two emoji share a caption; the split by caption needs them unique")
    rows = [
        c
        for split in SPLITS
        for c in sorted(chosen, key=lambda c: c["caption"])
        if c["split"] == split
    ]
    for i, row in enumerate(rows):
        row["index"] = i
    OUT.mkdir(exist_ok=True)
    write_npz(OUT / "emoji_captions.npz", {"images": np.stack([r["image"] for r in rows])})
    with open(OUT / "emoji.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"skipped: {skipped}")
    for split in SPLITS:
        print(f"{split}: {sum(r['split'] == split for r in rows)} emoji")
    size = (OUT / "emoji_captions.npz").stat().st_size
    print(f"{len(rows)} emoji, emoji_captions.npz {size / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
