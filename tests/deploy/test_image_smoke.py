"""The pure parts of bench/image_smoke.py (the smoke test itself needs root and a built image)."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from bench.image_smoke import core_serving, image_environment, socket_database_url


def test_image_environment_keeps_values_with_equals_signs() -> None:
    env = image_environment(["PATH=/opt/planops/bin:/usr/bin", "OPTS=a=b", "EMPTY="])
    assert env == {"PATH": "/opt/planops/bin:/usr/bin", "OPTS": "a=b", "EMPTY": ""}
    with pytest.raises(ValueError, match="NAME=value"):
        image_environment(["PATH"])


def test_socket_url_moves_only_the_socket_directory() -> None:
    url = "postgresql://postgres:@/postgres?host=/tmp/pg-abc"
    moved, outside, inside = socket_database_url(url, socket_dir="/run/pg")
    assert conninfo_to_dict(moved) == {"user": "postgres", "dbname": "postgres", "host": "/run/pg"}
    assert (outside, inside) == ("/tmp/pg-abc/.s.PGSQL.5432", "/run/pg/.s.PGSQL.5432")


def test_socket_url_keeps_a_port_other_than_the_default() -> None:
    moved, outside, inside = socket_database_url(
        "postgresql://postgres:@/postgres?host=/tmp/pg&port=6543", socket_dir="/run/pg"
    )
    assert conninfo_to_dict(moved)["port"] == "6543"
    assert (outside, inside) == ("/tmp/pg/.s.PGSQL.6543", "/run/pg/.s.PGSQL.6543")


def test_socket_url_refuses_a_tcp_url() -> None:
    with pytest.raises(ValueError, match="Unix-socket"):
        socket_database_url("postgresql://postgres@127.0.0.1:5432/postgres", socket_dir="/run")


def test_core_serving_needs_every_core_service() -> None:
    serving = {
        "planops.core.v1.TaskService": "SERVING",
        "planops.core.v1.ProjectService": "SERVING",
        "planops.planner.v1.PlannerService": "UNREACHABLE",
    }
    assert core_serving({"status": "DEGRADED", "services": serving})
    one_down = serving | {"planops.core.v1.ProjectService": "NOT_SERVING"}
    assert not core_serving({"services": one_down})
    assert not core_serving({"services": {"planops.planner.v1.PlannerService": "SERVING"}})
    assert not core_serving({})
