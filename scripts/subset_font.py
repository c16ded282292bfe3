"""Rebuild fonts/NotoSansSC-Regular-GB2312.otf from the full Noto Sans SC Regular (OFL).

    python -m scripts.subset_font NotoSansSC-Regular.otf [fonts/NotoSansSC-Regular-GB2312.otf] [--extra 喆堃]

Keeps GB2312 (its hanzi and symbols), ASCII, Latin-1, general and CJK punctuation, the
full-width forms and any `--extra` characters; drops hinting and vertical metrics.
"""

from __future__ import annotations

import argparse
import contextlib

from fontTools import subset

OUT = "fonts/NotoSansSC-Regular-GB2312.otf"


def characters(extra: str = "") -> set[int]:
    chars: set[int] = set()
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([first, second]).decode("gb2312")))
    chars |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    chars |= {0x2212, 0x2264, 0x2265, 0x2192, 0x2190, 0x25CF, 0x25A0, 0x25B2}
    return chars | {ord(c) for c in extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("out", nargs="?", default=OUT)
    parser.add_argument("--extra", default="", help="more characters to keep")
    args = parser.parse_args()
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE"]
    font = subset.load_font(args.source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters(args.extra))
    subsetter.subset(font)
    subset.save_font(font, args.out, options)
    print(f"{args.out}: {len(font.getBestCmap())} characters")


if __name__ == "__main__":
    main()
