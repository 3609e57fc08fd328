"""How many fuzz and access cases ran, by RPC and status code, for the end-of-session summary."""

from __future__ import annotations

from collections import Counter, defaultdict

import grpc

CASES: defaultdict[str, Counter[str]] = defaultdict(Counter)


def record(kind: str, rpc: str, code: grpc.StatusCode) -> None:
    CASES[f"{kind} {rpc}"][code.name] += 1


def summary(kind: str) -> str | None:
    """One line for the terminal: cases of `kind`, the RPCs they covered, the codes seen."""
    rows = {k.split(" ", 1)[1]: v for k, v in CASES.items() if k.startswith(f"{kind} ")}
    if not rows:
        return None
    codes: Counter[str] = Counter()
    for counter in rows.values():
        codes.update(counter)
    by_code = ", ".join(f"{code} {n}" for code, n in codes.most_common())
    return f"{kind}: {sum(codes.values())} cases over {len(rows)} RPCs ({by_code})"
