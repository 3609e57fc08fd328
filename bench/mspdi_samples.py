"""Read every MS Project XML file in a folder and check that nothing is dropped silently.

    python bench/mspdi_samples.py DIR [--verbose] [--mpxj]

For each file: the tasks, links and resources the import would make, and the rows it refuses.
It fails (exit 1) when a `<Task>` of a file is neither imported nor named as refused, or when
reading raises anything but a one-line `MspdiError`. With `--mpxj` (needs java and the test
extras' mpxj and JPype1) it also reads every file with MPXJ, as ProjectLibre does, and fails on
any imported task whose days or link whose type or lag differ from what MPXJ reads. MPXJ's test files are a good public set:
`junit/data/**/*.xml` of github.com/joniles/mpxj (LGPL; read in place, not copied here).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
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


MPXJ_READ = """
import json, sys
import jpype
import mpxj
jpype.startJVM()
from org.mpxj.reader import UniversalProjectReader
found = {}
for path in sys.argv[1:]:
    try:
        project = UniversalProjectReader().read(path)
    except Exception:
        continue
    if project is None:
        continue
    found[path] = {
        "tasks": {str(t.getUniqueID()): [str(t.getStart())[:10], str(t.getFinish())[:10]]
                  for t in project.getTasks() if t.getUniqueID() is not None},
        "links": [[str(r.getPredecessorTask().getUniqueID()), str(t.getUniqueID()),
                   str(r.getType()), str(r.getLag().getUnits()), float(r.getLag().getDuration())]
                  for t in project.getTasks() for r in t.getPredecessors()],
    }
print(json.dumps(found))
"""


def compare_with_mpxj(files: list[Path]) -> int:
    """Differences between this reader and MPXJ's on imported tasks' days and links."""
    done = subprocess.run(
        [sys.executable, "-c", MPXJ_READ, *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    differences = tasks = links = 0
    for path in files:
        other = theirs.get(str(path))
        try:
            preview = mspdi.read(path.read_bytes())
        except mspdi.MspdiError:
            continue
        if other is None:
            continue
        for task in preview.tasks:
            tasks += 1
            days = [str(task.planned_start), str(task.planned_end)]
            if other["tasks"].get(str(task.uid)) != days:
                differences += 1
                print(
                    f"{path.name}: task UID {task.uid} {days}, MPXJ {other['tasks'].get(str(task.uid))}"
                )
        mine = {(str(k.predecessor), str(k.successor)): k for k in preview.links}
        for predecessor, successor, kind, unit, lag in other["links"]:
            link = mine.get((predecessor, successor))
            if link is None:
                continue
            links += 1
            if link.type.value.upper() != kind or (unit == "d" and abs(link.lag_days - lag) > 0.5):
                differences += 1
                print(
                    f"{path.name}: link {predecessor}->{successor} {link}, MPXJ {kind} {lag}{unit}"
                )
    print(f"against MPXJ: {tasks} tasks and {links} links compared, {differences} differ")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--mpxj", action="store_true", help="also compare with MPXJ's reading")
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
    differences = compare_with_mpxj(files) if args.mpxj else 0
    return 0 if good == len(files) and not differences else 1


if __name__ == "__main__":
    sys.exit(main())
