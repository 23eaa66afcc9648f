"""The printable plan: a German PDF/UA-1 made with WeasyPrint; its text read back with pypdf
(title, offers with provider, place, dates, link and why they fit, the checklist with sources and
Stand, the office contact, the date, the funding note; no internal note)."""

from __future__ import annotations

import io
import re

import pytest

from knowledge import funding
from tests.prereq import require_module
from tests.staff.plan_helpers import OFFER_ITEM, FakeSearch, add_consultation, fake_search
from tests.staff.staff_helpers import StaffWorld

__all__ = ["fake_search"]
pypdf = require_module("pypdf", "make test-venvs")
CONTACTS = {"bb": {"phone": "089 6221-0000", "email": "bildungsberatung@example.de"}}


@pytest.fixture
def pdf_bytes(world: StaffWorld, fake_search: FakeSearch) -> bytes:
    world = StaffWorld(world.db_url, world.clock, office_contacts=CONTACTS)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    token = world.page_token(client, "/staff/plans")
    consultation = add_consultation(world)
    created = client.post(
        "/staff/plans",
        data={
            "csrf_token": token,
            "consultation_id": str(consultation),
            "title": "Bildungsplan Pflege",
        },
    )
    plan_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
    for action, data in (
        ("offers", {"offer_id": "test-pflege-1", "start_date": "2027-03-01"}),
        ("checklist", {}),
        ("notes", {"text": "Interner Vermerk zur Akte"}),
        ("notes", {"text": "Bitte melden Sie sich bei der Agentur", "for_citizen": "yes"}),
    ):
        assert (
            client.post(
                f"/staff/plans/{plan_id}/{action}", data={"csrf_token": token, **data}
            ).status_code
            == 303
        )
    answer = client.get(f"/staff/plans/{plan_id}.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert (
        answer.headers["content-disposition"]
        == f'attachment; filename="bildungsplan-{plan_id}.pdf"'
    )
    return answer.content


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_holds_the_plan_for_the_citizen(pdf_bytes: bytes) -> None:
    text = _text(pdf_bytes)
    assert "Bildungsplan Pflege" in text and "Datum: 07.12.2026" in text
    for part in (
        OFFER_ITEM["title"],
        OFFER_ITEM["provider"],
        "Haar",
        "01.03.2027",
        OFFER_ITEM["url"],
    ):
        assert part in text, part
    assert "Warum es passt" in text and "Zielberuf" in text
    item = funding.evaluate({"employment_status": "arbeitslos", "has_vocational_qualification": True,
                             "target_is_shortage_occupation": True})[0]  # fmt: skip
    assert item.title.split(" (")[0] in text
    assert f"Stand {funding.format_stand(item.stand)}" in text and item.sources[0][
        :30
    ] in text.replace(" ", "")
    assert "Entscheidet: Agentur für Arbeit" in text
    assert "entscheidet allein die jeweils genannte Stelle" in text
    assert "Bildungsberatung Landkreis München (Test)" in text and "089 6221-0000" in text
    assert "Bitte melden Sie sich bei der Agentur" in text
    assert "Interner Vermerk" not in text


def test_the_pdf_is_tagged_pdf_ua_in_german_with_title_and_embedded_fonts(pdf_bytes: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    assert reader.metadata.title == "Bildungsplan Pflege – Bildungsplan"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="|>)1', xmp)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            descendants = descriptor.get("/DescendantFonts")
            base = descendants[0].get_object() if descendants else descriptor
            assert (
                "/FontFile2" in base["/FontDescriptor"] or "/FontFile3" in base["/FontDescriptor"]
            )
            fonts.add(str(base["/BaseFont"]))
    assert fonts and all("DejaVu" in f for f in fonts)
