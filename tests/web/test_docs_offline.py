"""`/docs` on a hotel LAN without internet: everything the page loads comes from the connector."""

from __future__ import annotations

import re

from tests.web.pms import Hotel

_REFERENCES = re.compile(r"""(?:src|href)=["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""")
_ABSOLUTE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+""")


async def test_docs_loads_every_asset_from_the_connector_itself(hotel: Hotel) -> None:
    page = await hotel.http.get("/docs")

    references = [a or b for a, b in _REFERENCES.findall(page.text)]
    answers = {ref: (await hotel.http.get(ref)).status_code for ref in references}

    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert len(references) >= 4  # stylesheet, icon, script, schema
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assert answers == dict.fromkeys(references, 200)
    assert _ABSOLUTE.findall(page.text) == []


async def test_the_swagger_script_is_served_whole_with_its_type(hotel: Hotel) -> None:
    script = await hotel.http.get("/docs/assets/swagger-ui-bundle.js")

    assert script.headers["content-type"].startswith(("text/javascript",
                                                      "application/javascript"))
    assert "SwaggerUIBundle" in script.text and len(script.content) > 100_000


async def test_a_missing_asset_is_a_plain_404(hotel: Hotel) -> None:
    missing = await hotel.http.get("/docs/assets/nothing-here.js")

    assert missing.status_code == 404
