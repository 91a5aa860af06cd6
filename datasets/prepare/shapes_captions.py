"""Build ``datasets/shapes_captions/``: generated shape scenes with captions.

Each image is 32x32 RGB on black with one or two shapes (circle, square,
triangle, diamond) in one of five colours and two sizes, drawn with Pillow at
4x and downsampled (Lanczos) so edges are antialiased. Captions follow a fixed
grammar, so they are a function of the image:

- one shape: ``"a big blue square"``;
- two shapes side by side: ``"a small red circle left of a big green triangle"``
  (the left shape is named first);
- two shapes one over the other: ``"a big yellow diamond above a small purple circle"``
  (the upper shape is named first).

Compositional hold-out: four colour+shape pairs (``HELD_OUT``: red triangle,
green circle, blue diamond, yellow square) never occur in train or validation;
every colour and every shape does, with other partners. The test split has
``N_TEST_SEEN`` scenes made only of seen pairs and ``N_TEST_HELD_OUT`` scenes
with at least one held-out pair (column ``heldout``).

Writes (deterministic: a rerun gives the same bytes):

- ``shapes_captions.npz``: ``images`` uint8 (n, 32, 32, 3), rows in the order
  of ``scenes.csv.gz``;
- ``scenes.csv.gz``: gzip (no name, mtime 0) of a CSV with columns ``index, split, caption, heldout, n_shapes, relation,
  size1, colour1, shape1, x1, y1, size2, colour2, shape2, x2, y2`` (object 1 is
  the one named first; centres in whole pixels from the top-left; object 2 columns empty for one shape).

Requirements (pip): numpy 2.4.6, pillow 13.0.0.

Run from the repository root: ``python datasets/prepare/build.py shapes_captions``.
"""

import csv
import gzip
import io
import sys
from pathlib import Path

import numpy as np
from _files import write_npz
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "shapes_captions"
SEED = 20240914
SIZE = 32
SUPERSAMPLE = 4
COLOURS = {  # name -> RGB before jitter
    "red": (215, 40, 40),
    "green": (40, 170, 60),
    "blue": (50, 90, 230),
    "yellow": (235, 205, 40),
    "purple": (150, 60, 190),
}
COLOUR_JITTER = (
    0  # per channel, either side (0: each colour is one RGB value; keeps the file small)
)
SHAPES = ("circle", "square", "triangle", "diamond")
RADIUS = {"small": 0.12 * SIZE, "big": 0.21 * SIZE}  # half the shape's extent, in pixels
HELD_OUT = (("red", "triangle"), ("green", "circle"), ("blue", "diamond"), ("yellow", "square"))
P_ONE_SHAPE = 0.3
N_TRAIN, N_VALIDATION, N_TEST_SEEN, N_TEST_HELD_OUT = 5000, 500, 500, 500
COLUMNS = [
    "index",
    "split",
    "caption",
    "heldout",
    "n_shapes",
    "relation",
    "size1",
    "colour1",
    "shape1",
    "x1",
    "y1",
    "size2",
    "colour2",
    "shape2",
    "x2",
    "y2",
]


def draw_shape(draw, shape, cx, cy, r, rgb):
    """Draw one filled shape centred at (cx, cy) with half-extent r (supersampled units)."""
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb)
    elif shape == "square":
        h = 0.85 * r  # a square of the same half-extent looks bigger than the circle
        draw.rectangle([cx - h, cy - h, cx + h, cy + h], fill=rgb)
    elif shape == "triangle":
        draw.polygon([(cx, cy - r), (cx - r, cy + 0.8 * r), (cx + r, cy + 0.8 * r)], fill=rgb)
    elif shape == "diamond":
        draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=rgb)
    else:
        raise ValueError(f"unknown shape {shape!r}")


def random_object(rng):
    return {
        "size": ("small", "big")[int(rng.integers(2))],
        "colour": tuple(COLOURS)[int(rng.integers(len(COLOURS)))],
        "shape": SHAPES[int(rng.integers(len(SHAPES)))],
    }


def place(rng, objs, relation):
    """Give each object a centre (x, y), whole pixels; object 0 is left of / above object 1.

    Whole-pixel centres keep the file small (repeated edge patterns compress well).
    """
    lo = [int(np.ceil(RADIUS[o["size"]])) + 1 for o in objs]
    if relation == "":
        r = lo[0]
        objs[0]["x"], objs[0]["y"] = (int(v) for v in rng.integers(r, SIZE - r + 1, size=2))
        return
    while True:  # rejection sampling: clear separation along the named axis
        pos = [rng.integers(lo[i], SIZE - lo[i] + 1, size=2) for i in range(2)]
        axis = 0 if relation == "left of" else 1
        along = pos[1][axis] - pos[0][axis]
        across = abs(pos[1][1 - axis] - pos[0][1 - axis])
        if along >= lo[0] + lo[1] and across <= 0.5 * along:
            break
    for o, p in zip(objs, pos, strict=True):
        o["x"], o["y"] = int(p[0]), int(p[1])


def random_scene(rng):
    if rng.random() < P_ONE_SHAPE:
        objs, relation = [random_object(rng)], ""
    else:
        objs = [random_object(rng), random_object(rng)]
        relation = ("left of", "above")[int(rng.integers(2))]
    place(rng, objs, relation)
    for o in objs:
        base = np.array(COLOURS[o["colour"]])
        o["rgb"] = tuple(
            int(c)
            for c in np.clip(base + rng.integers(-COLOUR_JITTER, COLOUR_JITTER + 1, 3), 0, 255)
        )
    return objs, relation


def caption(objs, relation):
    words = [f"a {o['size']} {o['colour']} {o['shape']}" for o in objs]
    return f" {relation} ".join(words)


def render(objs):
    big = SIZE * SUPERSAMPLE
    image = Image.new("RGB", (big, big), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    for o in objs:
        s = SUPERSAMPLE
        draw_shape(draw, o["shape"], o["x"] * s, o["y"] * s, RADIUS[o["size"]] * s, o["rgb"])
    return np.asarray(image.resize((SIZE, SIZE), Image.Resampling.LANCZOS), dtype=np.uint8)


def is_held_out(objs):
    return any((o["colour"], o["shape"]) in HELD_OUT for o in objs)


def sample(rng, n, want_held_out):
    """n scenes, each with (True) or without (False) a held-out colour+shape pair."""
    scenes = []
    while len(scenes) < n:
        objs, relation = random_scene(rng)
        if is_held_out(objs) == want_held_out:
            scenes.append((objs, relation))
    return scenes


def write_gzip(path, data):
    """gzip ``data`` with no file name and mtime 0, so the bytes depend only on ``data``."""
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(data)


def main():
    rng = np.random.default_rng(SEED)
    parts = [
        ("train", sample(rng, N_TRAIN, False)),
        ("validation", sample(rng, N_VALIDATION, False)),
    ]
    test = sample(rng, N_TEST_SEEN, False) + sample(rng, N_TEST_HELD_OUT, True)
    parts.append(("test", [test[i] for i in rng.permutation(len(test))]))
    rows, images = [], []
    for split, scenes in parts:
        for objs, relation in scenes:
            row = {
                "index": len(rows),
                "split": split,
                "caption": caption(objs, relation),
                "heldout": int(is_held_out(objs)),
                "n_shapes": len(objs),
                "relation": relation,
            }
            for k in (1, 2):
                o = objs[k - 1] if k <= len(objs) else None
                row[f"size{k}"] = o["size"] if o else ""
                row[f"colour{k}"] = o["colour"] if o else ""
                row[f"shape{k}"] = o["shape"] if o else ""
                row[f"x{k}"] = o["x"] if o else ""
                row[f"y{k}"] = o["y"] if o else ""
            rows.append(row)
            images.append(render(objs))
    OUT.mkdir(exist_ok=True)
    write_npz(OUT / "shapes_captions.npz", {"images": np.stack(images)})
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_gzip(OUT / "scenes.csv.gz", text.getvalue().encode("utf-8"))
    (OUT / "scenes.csv").unlink(missing_ok=True)  # the plain CSV of earlier builds
    for split in ("train", "validation", "test"):
        sel = [r for r in rows if r["split"] == split]
        print(
            f"{split}: {len(sel)} scenes, {sum(r['heldout'] for r in sel)} with a held-out pair, "
            f"{len({r['caption'] for r in sel})} distinct captions"
        )
    size = (OUT / "shapes_captions.npz").stat().st_size
    print(f"shapes_captions.npz {size / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
