"""`connector serve` with call accounting on, rating by the tests' tariff stand-in (the real
tariff is tested on its own): `python -m tests.crash.billing_child`."""

from __future__ import annotations

import asyncio

from connector.cli.common import settings_or_exit
from connector.serve.runner import serve
from tests.billing.front_desk import stand_in_rate

if __name__ == "__main__":
    asyncio.run(serve(settings_or_exit(), rate=stand_in_rate))
