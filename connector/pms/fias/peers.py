"""Which addresses may open the FIAS link when the connector listens (server mode).

Anyone who reaches the port could otherwise take the link over and inject check-ins. The
allow-list holds hosts, addresses and CIDR blocks; hosts are resolved once, at start
(`resolve`, the only I/O here, takes the resolver as an argument). Matching is pure.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# RFC 1123 host names: letters, digits and hyphens in dot-separated labels.
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$")


def split_entries(text: str) -> list[str]:
    """`"10.0.5.20, pms.hotel.lan,10.1.0.0/24"` → its entries; ValueError names a bad one."""
    entries = [part.strip() for part in text.split(",") if part.strip()]
    for entry in entries:
        if _network(entry) is None and not _HOST.match(entry):
            raise ValueError(f"'{entry[:60]}' is neither an IP address, a CIDR block such as "
                             "10.0.5.0/24, nor a host name")
    return entries


def _network(entry: str) -> Network | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    # A dual-stack listener sees an IPv4 PMS as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class PeerAllowList:
    """The networks the PMS may connect from; `unresolved` lists hosts that resolved to
    nothing at start (refused until the connector restarts)."""

    networks: tuple[Network, ...]
    unresolved: tuple[str, ...] = ()

    def allows(self, address: str) -> bool:
        """True when `address` (as a socket reports it) lies in one of the networks."""
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self.networks)

    def describe(self) -> str:
        """For the start-up log and `connector doctor`."""
        shown = ", ".join(str(n) for n in self.networks) or "nothing"
        missing = f" (not resolved: {', '.join(self.unresolved)})" if self.unresolved else ""
        return shown + missing


Resolver = Callable[[str], Awaitable[Sequence[str]]]


async def resolve(entries: Iterable[str], resolver: Resolver) -> PeerAllowList:
    """Addresses and CIDRs as they are; each host name as every address it resolves to now."""
    networks: list[Network] = []
    unresolved: list[str] = []
    for entry in entries:
        network = _network(entry)
        if network is not None:
            networks.append(network)
            continue
        try:
            addresses = await resolver(entry)
        except OSError:
            addresses = []
        found = [a for a in (_address(text) for text in addresses) if a is not None]
        if not found:
            unresolved.append(entry)
        networks += [ipaddress.ip_network(a) for a in found]
    return PeerAllowList(tuple(dict.fromkeys(networks)), tuple(unresolved))
