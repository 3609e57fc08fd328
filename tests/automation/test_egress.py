"""The egress policy for webhooks: parsing, deciding, and the resolver that enforces it."""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from services.automation.config import Config
from services.automation.delivery import GuardedResolver, refusal_of
from services.automation.egress import (
    ALLOW_VARIABLE,
    DENY_VARIABLE,
    EgressPolicy,
    EgressRefused,
    host_refusal,
    literal_address,
    parse_networks,
)
from services.common.config import ConfigError

DEFAULT = EgressPolicy.default()


def refused(policy: EgressPolicy, address: str) -> str | None:
    return policy.refusal(ipaddress.ip_address(address))


def test_the_default_refuses_this_host_metadata_and_multicast() -> None:
    assert refused(DEFAULT, "127.0.0.1") == "127.0.0.1 is in 127.0.0.0/8"
    assert refused(DEFAULT, "127.255.0.9") == "127.255.0.9 is in 127.0.0.0/8"
    assert refused(DEFAULT, "169.254.169.254") == "169.254.169.254 is in 169.254.0.0/16"
    assert refused(DEFAULT, "100.100.100.200") == "100.100.100.200 is in 100.100.100.200/32"
    assert refused(DEFAULT, "0.0.0.0") == "0.0.0.0 is in 0.0.0.0/8"
    assert refused(DEFAULT, "224.0.0.251") == "224.0.0.251 is in 224.0.0.0/4"
    assert refused(DEFAULT, "::1") == "::1 is in ::1/128"
    assert refused(DEFAULT, "::") == ":: is in ::/128"
    assert refused(DEFAULT, "fe80::1") == "fe80::1 is in fe80::/10"
    assert refused(DEFAULT, "fe80::1%eth0") == "fe80::1%eth0 (fe80::1) is in fe80::/10"
    assert refused(DEFAULT, "ff02::1") == "ff02::1 is in ff00::/8"


def test_the_default_allows_the_office_network_and_the_internet() -> None:
    for address in (
        "10.0.0.8",
        "172.16.4.2",
        "192.168.1.20",
        "fd12:3456::1",
        "100.100.100.201",
        "8.8.8.8",
        "2001:db8::1",
        "::ffff:192.168.1.20",
    ):
        assert refused(DEFAULT, address) is None, address


def test_a_mapped_ipv4_address_is_judged_as_the_ipv4_address() -> None:
    assert refused(DEFAULT, "::ffff:127.0.0.1") == "::ffff:7f00:1 (127.0.0.1) is in 127.0.0.0/8"
    assert refused(DEFAULT, "::ffff:169.254.169.254") is not None
    # A mapped network in the settings means the IPv4 network.
    assert parse_networks("::ffff:127.0.0.0/104", variable="X") == (
        ipaddress.ip_network("127.0.0.0/8"),
    )
    mapped_allow = EgressPolicy.of(["127.0.0.0/8"], ["::ffff:127.0.0.1/128"])
    assert refused(mapped_allow, "127.0.0.1") is None
    assert refused(mapped_allow, "::ffff:127.0.0.1") is None
    assert refused(mapped_allow, "127.0.0.2") is not None


def test_an_allowed_network_overrides_a_denied_one() -> None:
    policy = EgressPolicy.of(["127.0.0.0/8", "10.0.0.0/8", "::1/128"], ["127.0.0.1/32", "::1"])
    assert refused(policy, "127.0.0.1") is None
    assert refused(policy, "::1") is None
    assert refused(policy, "127.0.0.2") == "127.0.0.2 is in 127.0.0.0/8"
    assert refused(policy, "10.9.9.9") == "10.9.9.9 is in 10.0.0.0/8"
    assert refused(policy, "169.254.169.254") is None  # the deny list was replaced
    everything = EgressPolicy.of(["0.0.0.0/0", "::/0"], ["203.0.113.0/24"])
    assert refused(everything, "203.0.113.7") is None
    assert refused(everything, "198.51.100.7") == "198.51.100.7 is in 0.0.0.0/0"
    assert everything.first_refusal(
        ipaddress.ip_address(a) for a in ("203.0.113.7", "2001:db8::1")
    ) == ("2001:db8::1 is in ::/0")


def test_a_bad_network_is_a_config_error_naming_the_variable() -> None:
    for text in ("10.0.0.0/33", "not-a-cidr", "127.0.0.1/8", "10.0.0.0/8,,fe80::/129"):
        with pytest.raises(ConfigError, match=DENY_VARIABLE):
            parse_networks(text, variable=DENY_VARIABLE)
    assert parse_networks(" 10.0.0.0/8 , ,::1 ", variable="X") == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )
    env = {"DATABASE_URL": "postgresql://x", "NATS_URL": "nats://x", "PLANOPS_CORE_KEY": "k"}
    with pytest.raises(ConfigError, match=ALLOW_VARIABLE):
        Config.from_env({**env, ALLOW_VARIABLE: "127.0.0.1/32,localhost"})
    with pytest.raises(ConfigError, match=DENY_VARIABLE):
        Config.from_env({**env, DENY_VARIABLE: "169.254.0.0/16,metadata"})
    config = Config.from_env({**env, ALLOW_VARIABLE: "127.0.0.1/32"})
    assert refused(config.egress_policy(), "127.0.0.1") is None
    assert refused(config.egress_policy(), "127.0.0.2") is not None
    assert Config.from_env(env).egress_policy() == DEFAULT
    with pytest.raises(ConfigError, match=ALLOW_VARIABLE):
        Config(
            database_url="x",
            nats_url="x",
            core_address="x",
            core_key="x",
            address="x",
            webhook_allow_networks=("127.0.0.1/40",),
        )


def test_what_a_host_says_without_dns() -> None:
    assert literal_address("127.0.0.1") == ipaddress.ip_address("127.0.0.1")
    assert literal_address("::ffff:127.0.0.1") == ipaddress.ip_address("::ffff:7f00:1")
    # The legacy forms getaddrinfo reads as IPv4 addresses.
    for legacy in ("127.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.0.0.1."):
        assert literal_address(legacy) == ipaddress.ip_address("127.0.0.1"), legacy
    for name in ("example.com", "cafe", "hooks.internal", "xn--bcher-kva.example", ""):
        assert literal_address(name) is None, name
    assert host_refusal("localhost", DEFAULT) is not None
    assert host_refusal("Foo.LocalHost.", DEFAULT) is not None
    assert host_refusal("localhost.example.com", DEFAULT) is None
    assert host_refusal("10.0.0.1", DEFAULT) is None
    assert host_refusal("localhost", EgressPolicy.of(["127.0.0.0/8"], ["127.0.0.1/32"])) is None


class Table(AbstractResolver):
    """Names from a table, as a DNS server would answer them."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=a,
                port=port,
                family=socket.AF_INET6 if ":" in a else socket.AF_INET,
                proto=0,
                flags=0,
            )
            for a in self.names[host]
        ]

    async def close(self) -> None:
        return None


async def test_the_resolver_refuses_a_name_when_any_of_its_addresses_is_refused() -> None:
    guarded = GuardedResolver(
        DEFAULT,
        Table({"oa.corp": ["10.0.0.5"], "sneaky.example": ["203.0.113.9", "::ffff:127.0.0.1"]}),
    )
    assert [r["host"] for r in await guarded.resolve("oa.corp", 80)] == ["10.0.0.5"]
    with pytest.raises(EgressRefused) as caught:
        await guarded.resolve("sneaky.example", 80)
    assert str(caught.value) == (
        "refused by the egress policy: ::ffff:7f00:1 (127.0.0.1) is in 127.0.0.0/8"
        " (sneaky.example resolves to it)"
    )


async def test_the_resolver_checks_what_the_system_resolver_answers() -> None:
    # `localhost` resolves to loopback through getaddrinfo on every machine.
    guarded = GuardedResolver(DEFAULT, aiohttp.ThreadedResolver())
    with pytest.raises(EgressRefused, match=r"is in (127\.0\.0\.0/8|::1/128)"):
        await guarded.resolve("localhost", 80, family=socket.AF_UNSPEC)
    allowed = GuardedResolver(
        EgressPolicy.of(["127.0.0.0/8", "::1/128"], ["127.0.0.0/8", "::1/128"]),
        aiohttp.ThreadedResolver(),
    )
    found = await allowed.resolve("localhost", 80, family=socket.AF_UNSPEC)
    assert found and all(ipaddress.ip_address(r["host"]).is_loopback for r in found)


async def test_a_refusal_is_found_inside_what_aiohttp_raises() -> None:
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(DEFAULT, Table({"x.test": ["::1"]})))
    async with aiohttp.ClientSession(connector=connector) as session:
        with pytest.raises(aiohttp.ClientError) as caught:
            await session.post("http://x.test:9/hook", data=b"{}")
    inner = refusal_of(caught.value)
    assert inner is not None and "::1 is in ::1/128" in str(inner)
    assert refusal_of(aiohttp.ClientError("other")) is None


# Every address the default policy must refuse, with the networks that hold it.
DENIED_V4 = ("127.0.0.1", "169.254.169.254", "0.0.0.0", "100.100.100.200", "224.0.0.1")


def encodings(v4: str) -> list[str]:
    """The ways a URL's host or a DNS answer can spell `v4`: the legacy IPv4 forms
    getaddrinfo reads, and the IPv6 addresses that carry it to a gateway or relay."""
    value = int(ipaddress.IPv4Address(v4))
    a, b, c, d = (int(x) for x in v4.split("."))
    hi, lo = value >> 16, value & 0xFFFF
    return [
        v4,
        str(value),  # decimal
        hex(value),  # one hex number
        ".".join(f"0{x:o}" for x in (a, b, c, d)),  # octal parts
        ".".join(hex(x) for x in (a, b, c, d)),  # hex parts
        f"{a}.{(b << 16) | (c << 8) | d}",  # a.bcd
        f"::ffff:{v4}",  # IPv4-mapped
        f"::ffff:{hi:x}:{lo:x}",
        f"::{v4}" if value > 1 else f"::ffff:{v4}",  # IPv4-compatible
        f"64:ff9b::{v4}",  # NAT64, well-known prefix
        f"64:ff9b::{hi:x}:{lo:x}",
        f"64:ff9b:1::{hi:x}:{lo:x}",  # NAT64, local-use prefix
        f"64:ff9b:1:{hi:x}:{lo:x}::",
        f"2002:{hi:x}:{lo:x}::1",  # 6to4
        f"2001:0:{hi:x}:{lo:x}::1",  # Teredo server
        f"2001:0:4136:e378:8000:63bf:{hi ^ 0xFFFF:x}:{lo ^ 0xFFFF:x}",  # Teredo client
    ]


@pytest.mark.parametrize("v4", DENIED_V4)
def test_every_spelling_of_a_denied_address_is_refused(v4: str) -> None:
    for spelling in encodings(v4):
        address = literal_address(spelling)
        assert address is not None, spelling
        assert DEFAULT.refusal(address) is not None, (v4, spelling)
        assert host_refusal(spelling, DEFAULT) is not None, (v4, spelling)


def test_ipv6_metadata_and_link_local_are_refused_and_their_neighbours_are_not() -> None:
    for address in ("fd00:ec2::254", "fe80::a9fe:a9fe", "64:ff9b:1::1", "::"):
        assert refused(DEFAULT, address) is not None, address
    for address in ("fd00:ec2::253", "64:ff9b::8.8.8.8", "2002:808:808::1", "2001:db8::1"):
        assert refused(DEFAULT, address) is None, address


def test_the_deployments_networks_are_denied_on_top_of_the_defaults() -> None:
    env = {
        "DATABASE_URL": "postgresql://x",
        "NATS_URL": "nats://x",
        "PLANOPS_CORE_KEY": "k",
        "PLANOPS_AUTOMATION_WEBHOOK_DEPLOYMENT_NETWORKS": "172.30.0.0/16, fd30::/64",
    }
    policy = Config.from_env(env).egress_policy()
    for address in ("172.30.0.5", "fd30::5", "64:ff9b::172.30.0.5", "169.254.169.254"):
        assert refused(policy, address) is not None, address
    assert refused(policy, "172.31.0.5") is None
    with pytest.raises(ConfigError, match="PLANOPS_AUTOMATION_WEBHOOK_DEPLOYMENT_NETWORKS"):
        Config.from_env({**env, "PLANOPS_AUTOMATION_WEBHOOK_DEPLOYMENT_NETWORKS": "nats"})
