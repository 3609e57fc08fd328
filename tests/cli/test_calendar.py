"""`planops calendar`: a person makes, lists and revokes their feeds with their own key."""

from __future__ import annotations

import json
import re

from tests.cli.test_main import ok, one_error_line, planops
from tests.conftest import CoreUnderTest
from tests.core.helpers import VIEWER, Client


async def test_a_person_creates_lists_and_revokes_a_feed(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = await admin.add_person("ana", project="promo", roles=[VIEWER])

    created = ok(
        await planops(
            core,
            "calendar",
            "create",
            "--project",
            "promo",
            "--name",
            "Outlook",
            "--gateway",
            "https://plan.example.com/",
            key=ana,
        )
    )
    url = re.search(r"subscribe to \(shown only this once\): (\S+)", created)
    assert url and re.fullmatch(
        r"https://plan\.example\.com/ical/planopsical_\w{12}_[\w-]+\.ics", url[1]
    )
    assert "webcal://plan.example.com/ical/" in created
    feed_id = re.search(r"calendarFeeds/(\w+)", created)
    assert feed_id
    listed = ok(await planops(core, "calendar", "list", key=ana))
    assert feed_id[1] in listed and "projects/promo" in listed and "Outlook" in listed

    ok(await planops(core, "calendar", "revoke", feed_id[1], key=ana))

    (feed,) = json.loads(ok(await planops(core, "calendar", "list", "--json", key=ana)))
    assert feed["name"] == f"calendarFeeds/{feed_id[1]}" and feed["revokeTime"]


async def test_mistakes_are_one_line(core: CoreUnderTest) -> None:
    ana = await Client(core).add_person("ana")

    line = one_error_line(
        await planops(core, "calendar", "create", "--project", "promo", key=ana), 1
    )
    assert "ROLE_REQUIRED" in line or "needs a role" in line
    line = one_error_line(
        await planops(core, "calendar", "create", "--gateway", "plan.example.com", key=ana), 2
    )
    assert "--gateway" in line
    one_error_line(await planops(core, "calendar", "revoke", "nope", key=ana), 1)
    # The admin key is no person's: feeds are made with one's own key.
    assert "person" in one_error_line(await planops(core, "calendar", "list"), 1)
