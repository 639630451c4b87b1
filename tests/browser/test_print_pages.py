"""Printed pages: each printable page of the workshop fits the sheets it promises.

Chromium (the ``browser`` fixture of ``conftest.py``: Debian's Chromium through Playwright,
no app server needed) loads the HTML file from disk, prints it to PDF on A4 as a browser's
Print would (the print stylesheet and its ``@page`` margins apply), and the PDF's pages are
counted (a page's own ``@page`` size, such as the slides' landscape A4, is kept).
:data:`PAGE_LIMITS` holds each file and the most pages it may print on; add a
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
    "workshop/sheet.html": 2,
    **{f"workshop/slides/{p.name}": 1 for p in (ROOT / "workshop" / "slides").glob("*.html")},
}

# A page object of a PDF's page tree ("/Type /Pages" is the tree's node, not a page).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


def printed_pages(page: Page, path: str | Path) -> int:
    """How many A4 pages the HTML file at ``path`` prints on in ``page``'s browser."""
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_load_state("load")
    # A4 unless the page's own @page rule says otherwise (the slides print landscape)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
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


def test_slides_with_a_class_results_still_print_on_one_page(page, tmp_path):
    """The debrief slides filled with a class of 40 (a tally and a dot plot on every slide
    that has a check) print on one landscape page each, like the shipped ones."""
    from workshop.exercises import EXERCISES
    from workshop.slides import from_export, write_slides

    predictions, results = [], []
    for ex in EXERCISES:
        keys = ex.predict.keys
        predictions += [{"exercise": ex.number, "answer": keys[i % len(keys)]} for i in range(40)]
        if ex.check:
            results += [{"exercise": ex.number, "value": 0.5 + i / 100} for i in range(40)]
    klass = from_export({"room": {"code": "ROOM1"}, "predictions": predictions, "results": results})
    for path in write_slides(tmp_path, klass):
        pages = printed_pages(page, path)
        assert pages == 1, f"{path.name} with a class's results prints on {pages} pages"
