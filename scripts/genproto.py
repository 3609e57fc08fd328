"""Regenerate gen/ from protos/, or with --check fail when gen/ is stale.

grpc_tools runs in a child process: importing it next to ortools aborts the interpreter.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

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
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTOS}",
            f"-I{include}/_proto",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            *files,
        ],
        check=True,
        cwd=PROTOS,
    )
    for directory in [out / "planops", *(p for p in (out / "planops").rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()


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
            stale = differences(Path(tmp), GEN)
        if stale:
            print(
                "gen/ differs from protos/; run `python scripts/genproto.py`:", *stale, sep="\n  "
            )
            return 1
        print("gen/ is up to date")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        subprocess.run(["rm", "-rf", str(GEN / "planops")], check=True)
        subprocess.run(["cp", "-r", f"{tmp}/planops", str(GEN)], check=True)
    print(f"generated {GEN.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
