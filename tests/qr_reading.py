"""Reading a QR code back out of a PDF page, with nothing but pypdf.

The code is rebuilt from the filled squares ReportLab drew (exact, no camera
fuzz) and decoded by following the QR specification (ISO/IEC 18004) directly:
format bits, unmasking, the zigzag read, de-interleaving and byte mode. Only what
sgdesk prints is supported: error-correction level M, versions 1 to 6, byte mode,
an undamaged symbol (so no Reed-Solomon correction is needed). Anything else fails
loudly rather than decoding wrongly.
"""

from __future__ import annotations

from collections import Counter

from pypdf import PageObject
from pypdf.generic import ContentStream

Modules = list[list[bool]]

#: Level M: data codewords per block, versions 1-6 (ISO/IEC 18004 table 9).
_DATA_BLOCKS_M = {1: [16], 2: [28], 3: [44], 4: [32, 32], 5: [43, 43], 6: [27, 27, 27, 27]}
#: Alignment pattern centre rows/columns (ISO/IEC 18004 annex E).
_ALIGNMENT = {1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34]}
_FORMAT_MASK = 0b101010000010010
_LEVEL_M = 0b00
_MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
)


def qr_modules_in_pdf(page: PageObject) -> Modules:
    """The dark modules of the one QR code on ``page``, row by row from the top.

    ReportLab draws each run of dark modules in a row as one filled rectangle a
    module high; those are the most common rectangle height on the page.
    """
    ops = ContentStream(page.get_contents(), page.pdf).operations
    rects = [tuple(float(v) for v in operands) for operands, op in ops if op == b"re"]
    module = Counter(round(h, 3) for _x, _y, _w, h in rects).most_common(1)[0][0]
    runs = [(x, y, w) for x, y, w, h in rects if round(h, 3) == module]
    left = min(x for x, _y, _w in runs)
    top = max(y for _x, y, _w in runs) + module
    size = round((max(x + w for x, _y, w in runs) - left) / module)
    modules = [[False] * size for _ in range(size)]
    for x, y, w in runs:
        row = round((top - y) / module) - 1
        first = round((x - left) / module)
        for column in range(first, first + round(w / module)):
            modules[row][column] = True
    return modules


def decode_qr(modules: Modules) -> str:
    """The text a level-M, byte-mode QR code of version 1-6 holds."""
    size = len(modules)
    version = (size - 17) // 4
    assert size == 17 + 4 * version and version in _DATA_BLOCKS_M, f"size {size}"
    level, mask = _format(modules)
    assert level == _LEVEL_M, f"error-correction level bits {level:02b}"
    reserved = _function_modules(size, version)
    bits = []
    column, upward = size - 1, True
    while column > 0:
        if column == 6:  # the vertical timing pattern: skip its column entirely
            column -= 1
        for row in (range(size - 1, -1, -1) if upward else range(size)):
            for c in (column, column - 1):
                if not reserved[row][c]:
                    bits.append(int(modules[row][c] ^ _MASKS[mask](row, c)))
        upward, column = not upward, column - 2
    codewords = [int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits) - 7, 8)]
    data = _deinterleave(codewords, _DATA_BLOCKS_M[version])
    stream = "".join(f"{byte:08b}" for byte in data)
    assert stream[:4] == "0100", f"mode {stream[:4]} (only byte mode is read)"
    count = int(stream[4:12], 2)
    return bytes(int(stream[12 + 8 * i:20 + 8 * i], 2) for i in range(count)).decode("utf-8")


def _format(modules: Modules) -> tuple[int, int]:
    """(error-correction level bits, mask number) from the copy beside the top-left finder."""
    positions = [(r, 8) for r in (0, 1, 2, 3, 4, 5, 7, 8)] + [(8, c) for c in (7, 5, 4, 3, 2, 1, 0)]
    raw = 0
    for bit, (r, c) in enumerate(positions):
        raw |= int(modules[r][c]) << bit
    value = (raw ^ _FORMAT_MASK) >> 10
    return value >> 3, value & 0b111


def _function_modules(size: int, version: int) -> Modules:
    """Finders, separators, format areas, timing and alignment patterns: not data."""
    reserved = [[False] * size for _ in range(size)]

    def block(top: int, left: int, height: int, width: int) -> None:
        for r in range(top, top + height):
            for c in range(left, left + width):
                reserved[r][c] = True

    block(0, 0, 9, 9)
    block(0, size - 8, 9, 8)
    block(size - 8, 0, 8, 9)
    block(6, 0, 1, size)
    block(0, 6, size, 1)
    centres = _ALIGNMENT[version]
    for r in centres:
        for c in centres:
            if not ((r < 9 and c < 9) or (r < 9 and c > size - 9) or (r > size - 9 and c < 9)):
                block(r - 2, c - 2, 5, 5)
    return reserved


def _deinterleave(codewords: list[int], blocks: list[int]) -> list[int]:
    """The data codewords in order: the symbol takes one from each block in turn."""
    parts: list[list[int]] = [[] for _ in blocks]
    stream = iter(codewords)
    for i in range(max(blocks)):
        for part, length in zip(parts, blocks, strict=True):
            if i < length:
                part.append(next(stream))
    return [byte for part in parts for byte in part]
