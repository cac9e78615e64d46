"""Drive the Zoom client with a large burst per rate-limit category and report how close it
runs to the configured limit (share x Zoom's published limit for the plan).

    python bench/limiter_burst.py [--seconds 5] [--plan business] [--share 0.8]

The goal: achieved rate ≥ 0.95 x the configured limit, and never above 1.0 in any
one-second window. The whole client path runs (auth, limiter, retries, metrics); only the
network is replaced by an in-process transport that timestamps every request.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import time

import httpx
from prometheus_client import CollectorRegistry

from connector.settings.model import Plan, ZoomSettings
from connector.zoom.catalogue import Endpoint, endpoint
from connector.zoom.client import ZoomClient
from connector.zoom.metrics import ZoomMetrics

# One representative endpoint per (family, category) the connector uses per-second.
CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("update_user", {"userId": "u1"}),  # users / light
    ("list_users", {}),  # users / medium
    ("delete_voicemail", {"voicemailId": "v1"}),  # phone / light
    ("list_phone_users", {}),  # phone / medium
    ("list_account_voicemails", {}),  # phone / heavy
)


def _transport(stamps: dict[str, list[float]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={
                "access_token": "bench", "token_type": "bearer", "expires_in": 3599,
                "scope": "user:read:admin user:write:admin phone:read:admin phone:write:admin",
                "api_url": "https://api.bench.invalid",
            })
        stamps.setdefault(request.url.path, []).append(time.monotonic())
        if request.method in ("PATCH", "DELETE"):
            return httpx.Response(204)
        return httpx.Response(200, json={"next_page_token": ""})

    return httpx.MockTransport(handle)


def max_in_window(stamps: list[float], window: float = 1.0) -> int:
    """The most requests in any half-open window [t, t + window) starting at a request."""
    return max(bisect.bisect_left(stamps, t + window) - i for i, t in enumerate(stamps))


async def _drive(client: ZoomClient, ep: Endpoint, path: dict[str, str], seconds: float) -> None:
    rate = client.limiters.for_endpoint(ep).rate_per_second
    total = int(rate * seconds) + 1
    # The whole burst is queued at once: the limiter alone decides the pace.
    await asyncio.gather(*(
        client.request(ep, intent="bench", path=path) for _ in range(total)
    ))


async def main(seconds: float, plan: Plan, share: float) -> int:
    stamps: dict[str, list[float]] = {}
    settings = ZoomSettings(account_id="bench", client_id="bench", client_secret="bench",
                            plan=plan, rate_limit_share=share)
    async with ZoomClient(settings, transport=_transport(stamps),
                          metrics=ZoomMetrics(CollectorRegistry())) as client:
        await client.start()
        cases = [(endpoint(name), path) for name, path in CASES]
        await asyncio.gather(*(_drive(client, ep, path, seconds) for ep, path in cases))
        print(f"plan={plan.value} share={share} burst≈{seconds:.0f}s of work per category\n")
        print(f"{'family/category':<26}{'limit/s':>9}{'achieved/s':>12}{'ratio':>8}"
              f"{'max 1s window':>15}{'ratio':>8}")
        worst_low, worst_high = 1.0, 0.0
        for ep, path in cases:
            times = sorted(stamps["/v2" + ep.url_path(**path)])
            limit = client.limiters.for_endpoint(ep).rate_per_second
            # n requests spaced 1/rate apart span (n - 1) intervals.
            achieved = (len(times) - 1) / (times[-1] - times[0])
            window = max_in_window(times)
            ratio, window_ratio = achieved / limit, window / limit
            worst_low, worst_high = min(worst_low, ratio), max(worst_high, window_ratio)
            label = f"{ep.family.value}/{ep.category.value}"
            print(f"{label:<26}{limit:>9.1f}{achieved:>12.2f}{ratio:>8.3f}"
                  f"{window:>15d}{window_ratio:>8.3f}")
        ok = worst_low >= 0.95 and worst_high <= 1.0
        print(f"\nlowest achieved ratio {worst_low:.3f} (goal ≥ 0.95); "
              f"highest 1-second window ratio {worst_high:.3f} (goal ≤ 1.0): "
              f"{'PASS' if ok else 'MISS'}")
        return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--plan", choices=[p.value for p in Plan], default="business")
    parser.add_argument("--share", type=float, default=0.8)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.seconds, Plan(args.plan), args.share)))

