"""Where webhooks may be sent: the egress policy, without I/O.

A project manager chooses a webhook's URL, and the service POSTs to it from inside the
deployment. The policy keeps that from reaching the service's own host (loopback, the
unspecified address), the cloud metadata endpoints (link-local 169.254.169.254, Alibaba's
100.100.100.200) and multicast. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7)
stay allowed by default: receivers on the office network (OA, ERP, CRM) are the main use.

An address is refused when it is in a denied network and in no allowed one. An IPv6 address
that carries an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64
`64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`, Teredo's server and client) is refused when the
IPv4 address it carries is: a NAT64 gateway or a 6to4 relay would otherwise carry the
connection to a denied IPv4 address. The local-use NAT64 prefix `64:ff9b:1::/48` may put
the IPv4 address at any offset (RFC 6052), so it is denied whole."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.config import ConfigError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DENY_VARIABLE = "PLANOPS_AUTOMATION_WEBHOOK_DENY_NETWORKS"
ALLOW_VARIABLE = "PLANOPS_AUTOMATION_WEBHOOK_ALLOW_NETWORKS"
DEPLOYMENT_VARIABLE = "PLANOPS_AUTOMATION_WEBHOOK_DEPLOYMENT_NETWORKS"

DEFAULT_DENY: tuple[str, ...] = (
    "127.0.0.0/8",  # loopback
    "::1/128",
    "0.0.0.0/8",  # unspecified ("this host": connecting to 0.0.0.0 reaches loopback)
    "::/128",
    "169.254.0.0/16",  # link-local, with the metadata endpoint 169.254.169.254
    "fe80::/10",
    "224.0.0.0/4",  # multicast
    "ff00::/8",
    "255.255.255.255/32",  # broadcast
    "100.100.100.200/32",  # Alibaba Cloud metadata
    "fd00:ec2::254/128",  # AWS metadata over IPv6 (Nitro)
    "64:ff9b:1::/48",  # local-use NAT64, where the IPv4 address may sit at any offset
)
# Names that always mean this host (RFC 6761: `localhost` and every name under it).
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# What inet_aton may read as an IPv4 address: digits, dots, and hex with 0x.
_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")


class EgressRefused(OSError):
    """A webhook's address is refused by the policy; the message says which and why.

    An OSError so that aiohttp's connector passes it through like any failed lookup."""


def parse_networks(text: str, *, variable: str) -> tuple[Network, ...]:
    """`127.0.0.0/8, ::1/128` -> networks; a bad entry is a ConfigError naming `variable`."""
    found: list[Network] = []
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        try:
            found.append(_unmapped_network(ipaddress.ip_network(entry, strict=True)))
        except ValueError as error:
            raise ConfigError(
                f"{variable}: {entry!r} is not a network in CIDR form ({error})"
            ) from None
    return tuple(found)


def _unmapped_network(network: Network) -> Network:
    """`::ffff:127.0.0.0/104` -> `127.0.0.0/8`, so it matches what `unmapped` gives."""
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_MAPPED):
        first = network.network_address.ipv4_mapped
        assert first is not None
        return ipaddress.IPv4Network(f"{first}/{network.prefixlen - 96}")
    return network


def unmapped(address: Address) -> Address:
    """`::ffff:127.0.0.1` -> `127.0.0.1`; any other address as it is (without a zone)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return ipaddress.IPv6Address(str(address).split("%", 1)[0])
    return address


def embedded(address: Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries to a gateway or relay that would connect
    to them: IPv4-compatible, NAT64 well-known prefix, 6to4, Teredo (server and client)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return ()
    plain = unmapped(address)
    if not isinstance(plain, ipaddress.IPv6Address):
        return ()
    found: list[ipaddress.IPv4Address] = []
    low32 = ipaddress.IPv4Address(int(plain) & 0xFFFFFFFF)
    if plain in _NAT64 or (plain in _COMPATIBLE and int(plain) > 1):
        found.append(low32)
    if plain.sixtofour is not None:
        found.append(plain.sixtofour)
    if plain.teredo is not None:
        found.extend(plain.teredo)
    return tuple(found)


@dataclass(frozen=True)
class EgressPolicy:
    deny: tuple[Network, ...]
    allow: tuple[Network, ...] = ()

    @classmethod
    def of(cls, deny: Iterable[str], allow: Iterable[str] = ()) -> EgressPolicy:
        return cls(
            deny=parse_networks(",".join(deny), variable=DENY_VARIABLE),
            allow=parse_networks(",".join(allow), variable=ALLOW_VARIABLE),
        )

    @classmethod
    def default(cls) -> EgressPolicy:
        return cls.of(DEFAULT_DENY)

    def refusal(self, address: Address) -> str | None:
        """None when the policy lets `address` through, else why not:
        `127.0.0.1 is in 127.0.0.0/8`."""
        reason = self._judge(address)
        if reason is not None:
            return reason
        for carried in embedded(address):
            reason = self._judge(carried)
            if reason is not None:
                return f"{address} carries {reason}"
        return None

    def _judge(self, address: Address) -> str | None:
        plain = unmapped(address)
        if any(plain in network for network in self.allow if network.version == plain.version):
            return None
        for network in self.deny:
            if network.version == plain.version and plain in network:
                shown = str(plain) if plain == address else f"{address} ({plain})"
                return f"{shown} is in {network}"
        return None

    def first_refusal(self, addresses: Iterable[Address]) -> str | None:
        """Why the first refused address of `addresses` is refused, or None if none is."""
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                return reason
        return None


def literal_address(host: str) -> Address | None:
    """The address a URL's host names without DNS: `127.0.0.1`, `::1` (brackets stripped
    by the URL parser), and the legacy IPv4 forms the C resolver also reads (`127.1`,
    `2130706433`, `0x7f.1`); None for a host name."""
    text = host[:-1] if host.endswith(".") else host
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if not _LEGACY_IPV4.fullmatch(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def is_localhost(host: str) -> bool:
    """`localhost`, `localhost.` and names under it (`api.localhost`), any case."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def host_refusal(host: str, policy: EgressPolicy) -> str | None:
    """What can be decided from the host alone, without DNS (at subscription and before
    a delivery): a literal address the policy refuses, or `localhost` when the policy
    refuses 127.0.0.1. Other names pass here and are checked when they are resolved."""
    address = literal_address(host)
    if address is not None:
        return policy.refusal(address)
    if is_localhost(host):
        reason = policy.refusal(LOOPBACK)
        return None if reason is None else f"{host} is this host ({reason})"
    return None


def message(reason: str) -> str:
    return f"refused by the egress policy: {reason}"
