"""Regenerate gen/ from protos/, or with --check fail when gen/ is stale.

grpc_tools runs in a child process: importing it next to ortools aborts the interpreter.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROTOS = ROOT / "protos"
GEN = ROOT / "gen"


def generate(out: Path) -> None:
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    include = subprocess.run(
        [
            sys.executable,
            "-c",
            "import grpc_tools, os; print(os.path.dirname(grpc_tools.__file__))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    out.mkdir(parents=True, exist_ok=True)

    def protoc(*options: str) -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grpc_tools.protoc",
                f"-I{PROTOS}",
                f"-I{include}/_proto",
                *options,
                *files,
            ],
            check=True,
            cwd=PROTOS,
        )

    protoc(f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}")
    for directory in [out / "planops", *(p for p in (out / "planops").rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()
    # The compiled stubs carry no comments; the OpenAPI document takes them from here.
    descriptors = out / "descriptors.binpb"
    protoc(f"--descriptor_set_out={descriptors}", "--include_source_info")
    comments = comments_of(descriptors.read_bytes())
    descriptors.unlink()
    (out / "planops" / "comments.json").write_text(
        json.dumps(comments, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def comments_of(serialized: bytes) -> dict[str, str]:
    """The leading comment of every message, field, enum, enum value, service and method, by
    full name (`planops.risk.v1.ForecastProjectRequest.plan`), for the OpenAPI document."""
    from google.protobuf import descriptor_pb2

    found: dict[str, str] = {}
    for file in descriptor_pb2.FileDescriptorSet.FromString(serialized).file:
        names = names_by_path(file)
        for location in file.source_code_info.location:
            name = names.get(tuple(location.path))
            text = "\n".join(
                line[1:] if line.startswith(" ") else line
                for line in location.leading_comments.strip("\n").split("\n")
            ).strip()
            if name and text:
                found[name] = text
    return found


def names_by_path(file: Any) -> dict[tuple[int, ...], str]:
    """Full names by their path in a FileDescriptorProto, as SourceCodeInfo locates them
    (4 messages, 2 fields, 3 nested messages, 4/5 enums, 6 services, 2 values and methods)."""
    names: dict[tuple[int, ...], str] = {}

    def enum(e: Any, path: tuple[int, ...], scope: str) -> None:
        names[path] = f"{scope}.{e.name}"
        for k, value in enumerate(e.value):
            names[(*path, 2, k)] = f"{scope}.{e.name}.{value.name}"

    def message(m: Any, path: tuple[int, ...], scope: str) -> None:
        name = f"{scope}.{m.name}"
        names[path] = name
        for k, f in enumerate(m.field):
            names[(*path, 2, k)] = f"{name}.{f.name}"
        for k, nested in enumerate(m.nested_type):
            message(nested, (*path, 3, k), name)
        for k, e in enumerate(m.enum_type):
            enum(e, (*path, 4, k), name)

    for i, m in enumerate(file.message_type):
        message(m, (4, i), file.package)
    for i, e in enumerate(file.enum_type):
        enum(e, (5, i), file.package)
    for i, service in enumerate(file.service):
        names[(6, i)] = f"{file.package}.{service.name}"
        for k, method in enumerate(service.method):
            names[(6, i, 2, k)] = f"{file.package}.{service.name}.{method.name}"
    return names


def differences(left: Path, right: Path) -> list[str]:
    names = {
        p.relative_to(left) for p in left.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    names |= {
        p.relative_to(right)
        for p in right.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    return sorted(
        str(n)
        for n in names
        if not (
            (left / n).is_file()
            and (right / n).is_file()
            and filecmp.cmp(left / n, right / n, shallow=False)
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            # gen/console is scripts/console_types.py's, checked by its own --check.
            stale = differences(Path(tmp) / "planops", GEN / "planops")
        if stale:
            print(
                "gen/planops differs from protos/; run `python scripts/genproto.py`:",
                *stale,
                sep="\n  ",
            )
            return 1
        print("gen/planops is up to date")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        subprocess.run(["rm", "-rf", str(GEN / "planops")], check=True)
        subprocess.run(["cp", "-r", f"{tmp}/planops", str(GEN)], check=True)
    print(f"generated {GEN.relative_to(ROOT)}/planops/")
    # The console's types follow the new stubs; a fresh interpreter imports them.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "console_types.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
