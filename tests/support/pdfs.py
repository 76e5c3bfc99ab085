"""Reading generated PDFs back: their text (pypdf, pdfplumber) and QR codes (pdftoppm + zxing)."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pdfplumber
import zxingcpp
from PIL import Image
from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(io.BytesIO(pdf)).pages]


def characters(pdf: bytes, page: int = 0) -> tuple[list[dict[str, Any]], float, float]:
    """Every character drawn on a page, with its box; and the page's width and height."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sheet = document.pages[page]
        return list(sheet.chars), float(sheet.width), float(sheet.height)


def qr_codes(pdf: bytes, page: int = 1, dpi: int = 200) -> list[str]:
    """The QR codes readable on a page (1-based), as a scanner would see them printed."""
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-"],
        input=pdf, capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]
