"""The test group: three hotels of one Zoom account, and fake hotel connectors that keep
what they receive in a file (on disk before they answer, shared by processes)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connector.account.group import Group, parse_yaml
from connector.web.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from connector.web.zoom_signing import (
    ZOOM_SIGNATURE_HEADER,
    ZOOM_TIMESTAMP_HEADER,
    verify_zoom,
)

GROUP_YAML = """
hotels:
  - id: lisbon
    url: http://lisbon.hotels
    site_id: site-lisbon
    extensions: 100-199
    email_domain: lisbon.example.com
  - id: porto
    url: http://porto.hotels
    site_id: site-porto
    extensions: 200-299, 900
  - id: faro
    url: http://faro.hotels
    extensions: 300-399
"""

HOTEL_SECRETS = {"lisbon": "lisbon-zoom-token", "porto": "porto-zoom-token",
                 "faro": "faro-zoom-token"}
FEED_SECRET = "the-groups-feed-secret"


def group() -> Group:
    return parse_yaml(GROUP_YAML)


@dataclass
class FakeHotel:
    """A hotel's connector as the account's parts see it: `POST /zoom/events` verified with
    the hotel's own Zoom token, `POST /v1/account/feed` with the feed secret. What it takes
    is appended to `ledger` (one JSON line) before it answers."""

    hotel_id: str
    ledger: Path
    now: float
    down: bool = False
    answered: list[int] = field(default_factory=list)

    def app(self) -> Starlette:
        async def zoom_events(request: Request) -> Response:
            body = await request.body()
            if self.down:
                return JSONResponse({"error": "starting"}, status_code=503)
            try:
                verify_zoom(body, timestamp_header=request.headers.get(ZOOM_TIMESTAMP_HEADER),
                            signature_header=request.headers.get(ZOOM_SIGNATURE_HEADER),
                            secret=HOTEL_SECRETS[self.hotel_id], now=self.now)
            except SignatureError:
                return JSONResponse({"error": "signature"}, status_code=401)
            self._keep("zoom", json.loads(body))
            return JSONResponse({"status": "stored"})

        async def feed(request: Request) -> Response:
            body = await request.body()
            if self.down:
                return JSONResponse({"error": "starting"}, status_code=503)
            try:
                verify(body, timestamp_header=request.headers.get(TIMESTAMP_HEADER),
                       signature_header=request.headers.get(SIGNATURE_HEADER),
                       secrets=[FEED_SECRET], now=self.now, tolerance=300)
            except SignatureError:
                return JSONResponse({"error": "signature"}, status_code=401)
            self._keep("feed", json.loads(body))
            return JSONResponse({"status": "stored"})

        return Starlette(routes=[Route("/zoom/events", zoom_events, methods=["POST"]),
                                 Route("/v1/account/feed", feed, methods=["POST"])])

    def _keep(self, door: str, value: object) -> None:
        with self.ledger.open("a") as out:
            out.write(json.dumps({"hotel": self.hotel_id, "door": door, "body": value}) + "\n")


def ledger_lines(ledger: Path) -> list[dict[str, object]]:
    if not ledger.exists():
        return []
    return [json.loads(line) for line in ledger.read_text().splitlines()]
