"""A fake camera for Chromium (`--use-file-for-fake-video-capture`): a QR code as a Y4M video.

YUV4MPEG2 is a text header and raw frames ("FRAME\\n", then the Y plane and the quarter-size
U and V planes of 4:2:0): a few lines write it, so the tests need no ffmpeg.
"""

from __future__ import annotations

from pathlib import Path

import segno

WIDTH, HEIGHT = 640, 480
BLACK, WHITE, NEUTRAL = 16, 235, 128  # studio-range luma; chroma with no colour


def qr_y4m(text: str, path: Path, frames: int = 2) -> Path:
    """A still video (`frames` identical frames, looped by Chromium) of `text`'s QR code,
    centred on white with its quiet zone."""
    matrix = segno.make_qr(text, error="m").matrix
    size = len(matrix)
    scale = (HEIGHT - 80) // (size + 8)
    left, top = (WIDTH - size * scale) // 2, (HEIGHT - size * scale) // 2
    luma = bytearray([WHITE]) * (WIDTH * HEIGHT)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(scale):
                start = (top + y * scale + dy) * WIDTH + left + x * scale
                luma[start:start + scale] = bytes([BLACK]) * scale
    chroma = bytes([NEUTRAL]) * (WIDTH // 2 * HEIGHT // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path
