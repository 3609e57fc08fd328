"""Read every MS Project XML file in a folder and check that nothing is dropped silently.

    python bench/mspdi_samples.py DIR [--verbose]

For each file: the tasks, links and resources the import would make, and the rows it refuses.
It fails (exit 1) when a `<Task>` of a file is neither imported nor named as refused, or when
reading raises anything but a one-line `MspdiError`. MPXJ's test files are a good public set:
`junit/data/**/*.xml` of github.com/joniles/mpxj (LGPL; read in place, not copied here).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from services.interop import mspdi

TASK_UID = re.compile(r"^task UID (-?\d+)")


def check(path: Path, *, verbose: bool) -> tuple[bool, Counter[str]]:
    reasons: Counter[str] = Counter()
    data = path.read_bytes()
    try:
        preview = mspdi.read(data)
    except mspdi.MspdiError as error:
        print(f"{path.name}: refused: {error}")
        return "\n" not in str(error), reasons
    root = mspdi.parse_xml(data)
    uids = [
        (u.text or "").strip()
        for tasks in root
        if tasks.tag.endswith("Tasks")
        for task in tasks
        for u in task
        if u.tag.endswith("}UID") or u.tag == "UID"
    ]
    named = {m[1] for r in preview.refused if (m := TASK_UID.match(r.row))}
    imported = {str(t.uid) for t in preview.tasks}
    silent = [u for u in uids if u not in imported and u not in named]
    for refusal in preview.refused:
        reasons[refusal.reason.split(";")[0]] += 1
    print(
        f"{path.name}: {len(preview.tasks)} tasks, {len(preview.links)} links,"
        f" {len(preview.resources)} resources, {len(preview.refused)} refused,"
        f" {len(preview.notes)} notes" + (f", SILENTLY DROPPED {silent}" if silent else "")
    )
    if verbose:
        for refusal in preview.refused:
            print(f"  refused {refusal}")
    return not silent, reasons


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.xml"))
    good, reasons = 0, Counter[str]()
    for path in files:
        passed, found = check(path, verbose=args.verbose)
        good += passed
        reasons += found
    print(f"{good} of {len(files)} files read with every left-out task named")
    for reason, count in reasons.most_common():
        print(f"  {count:5d}  {reason}")
    return 0 if good == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
