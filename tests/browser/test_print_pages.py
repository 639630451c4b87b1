"""Printed pages: each printable page of the workshop fits the sheets it promises.

Chromium (the ``browser`` fixture of ``conftest.py``: Debian's Chromium through Playwright,
no app server needed) loads the HTML file from disk, prints it to PDF on A4 as a browser's
Print would (the print stylesheet and its ``@page`` margins apply), and the PDF's pages are
counted. :data:`PAGE_LIMITS` holds each file and the most pages it may print on; add a
printable page there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]

#: Each printable page (relative to the repository's root) and the most A4 sheets it may take.
PAGE_LIMITS = {
    "workshop/room_card.html": 1,
}

# A page object of a PDF's page tree ("/Type /Pages" is the tree's node, not a page).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


def printed_pages(page: Page, path: str | Path) -> int:
    """How many A4 pages the HTML file at ``path`` prints on in ``page``'s browser."""
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_load_state("load")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF"), "Chromium did not return a PDF"
    return len(_PAGE_OBJECT.findall(pdf))


@pytest.fixture
def page(browser: Browser):
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_printed_pages_counts_the_pages(page, tmp_path):
    """The helper itself: one page, then three with forced page breaks."""
    one = tmp_path / "one.html"
    one.write_text("<!DOCTYPE html><html lang='en'><body><p>One page.</p></body></html>")
    assert printed_pages(page, one) == 1
    three = tmp_path / "three.html"
    three.write_text(
        "<!DOCTYPE html><html lang='en'><body>"
        + "".join(f"<p style='break-before: page'>Page {n}</p>" for n in (1, 2, 3))
        + "</body></html>"
    )
    assert printed_pages(page, three) == 3


@pytest.mark.parametrize(("name", "limit"), sorted(PAGE_LIMITS.items()))
def test_printable_page_fits_its_sheets(page, name, limit):
    path = ROOT / name
    assert path.is_file(), f"{name} is missing"
    pages = printed_pages(page, path)
    assert pages >= 1, f"{name} printed no page at all"
    assert pages <= limit, f"{name} prints on {pages} A4 pages; it must fit on {limit}"
