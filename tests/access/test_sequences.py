"""Sequences of valid calls against the access rules: a stateful hypothesis machine creates,
deletes and re-creates people and projects, mints and revokes keys and calendar feeds, adds,
removes and re-roles members, and after every step each key's view of each project and person,
and what each feed's secret reads, must be what the rules say. A hole that needs several valid calls (delete then re-create, revoke then reuse)
is found here, where single-call tests and the access matrix cannot see it."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import grpc
from google.protobuf import field_mask_pb2
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    audit_service_pb2,
    calendar_feed_pb2,
    calendar_feed_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
)

from tests.fuzz.stack import Outcome, Running, Stack
from tests.fuzz.world import ROLES, RPCS, START

Code = grpc.StatusCode
OK = Code.OK
HIDDEN = {Code.PERMISSION_DENIED, Code.NOT_FOUND}
PEOPLE = 3
PROJECTS = 2
# The admin key's principal in a project's members: not one of the people 0..PEOPLE-1.
ADMIN = -1


@dataclass
class Key:
    secret: str
    name: str
    person: int
    generation: int
    revoked: bool = False


@dataclass
class Feed:
    secret: str
    name: str
    person: int
    generation: int
    project: int | None
    revoked: bool = False


@dataclass
class Model:
    """What the rules say the installation holds."""

    generation: dict[int, int] = field(default_factory=dict)
    """Each existing person's generation: bumped on every re-creation of the id."""
    created: int = 0
    projects: dict[int, dict[int, set[str]]] = field(default_factory=dict)
    """Existing projects: member person -> roles."""
    memberships: dict[tuple[int, int], str] = field(default_factory=dict)
    retired: set[int] = field(default_factory=set)
    keys: list[Key] = field(default_factory=list)
    creators: set[int] = field(default_factory=set)
    """People whose record has the project_creator right."""
    feeds: list[Feed] = field(default_factory=list)

    def alive(self, key: Key) -> bool:
        return not key.revoked and self.generation.get(key.person) == key.generation

    def reads(self, feed: Feed) -> bool:
        """A feed works while it is not revoked, its person's record is the one it was made
        for, and (for a project's feed) that person is a member of the project."""
        if feed.revoked or self.generation.get(feed.person) != feed.generation:
            return False
        return feed.project is None or feed.person in self.projects.get(feed.project, {})

    def last_manager(self, p: int, i: int) -> bool:
        managers = [m for m, roles in self.projects[p].items() if "manager" in roles]
        return managers == [i]

    def shares_project(self, a: int, b: int) -> bool:
        return any(a in members and b in members for members in self.projects.values())

    def manages_with(self, a: int, b: int) -> bool:
        return any(
            "manager" in members.get(a, set()) and b in members
            for members in self.projects.values()
        )


def machine_for(stack: Stack) -> type[RuleBasedStateMachine]:
    class Sequences(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.tag = uuid.uuid4().hex[:8]
            self.model = Model()

        # -- names and calls ------------------------------------------------------------

        def person(self, i: int) -> str:
            return f"people/seq{self.tag}-u{i}"

        def project(self, i: int) -> str:
            return f"projects/seq{self.tag}-p{i}"

        def call(self, rpc: str, request: object, key: str | None = None) -> Outcome:
            return stack.call(RPCS[rpc], request, key=key or stack.admin_key, timeout=60)  # type: ignore[arg-type]

        @staticmethod
        def expect(outcome: Outcome, *codes: Code, what: str) -> None:
            assert outcome.code in codes, (
                f"{what}: expected {'/'.join(c.name for c in codes)}, got {outcome.code.name}"
                f" {outcome.details}"
            )

        # -- people and keys --------------------------------------------------------------

        @rule(i=st.integers(0, PEOPLE - 1), creator=st.booleans())
        def create_person(self, i: int, creator: bool) -> None:
            outcome = self.call(
                "PersonService.CreatePerson",
                person_service_pb2.CreatePersonRequest(
                    person_id=self.person(i).split("/")[1],
                    person=person_pb2.Person(
                        display_name=f"Person {i}",
                        project_creator=creator,
                        email=f"{self.tag}-u{i}@example.com",
                        cost_rate=50,
                        time_off=[
                            person_pb2.TimeOff(
                                start_date="2030-05-06", end_date="2030-05-07", reason="surgery"
                            )
                        ],
                    ),
                ),
            )
            if i in self.model.generation:
                self.expect(outcome, Code.ALREADY_EXISTS, what="creating an existing person")
                return
            self.expect(outcome, OK, what=f"creating {self.person(i)}")
            self.model.created += 1
            self.model.generation[i] = self.model.created
            if creator:
                self.model.creators.add(i)

        @precondition(lambda self: self.model.generation)
        @rule(data=st.data(), creator=st.booleans())
        def grant_project_creator(self, data: st.DataObject, creator: bool) -> None:
            i = data.draw(st.sampled_from(sorted(self.model.generation)))
            outcome = self.call(
                "PersonService.UpdatePerson",
                person_service_pb2.UpdatePersonRequest(
                    person=person_pb2.Person(name=self.person(i), project_creator=creator),
                    update_mask=field_mask_pb2.FieldMask(paths=["project_creator"]),
                ),
            )
            self.expect(outcome, OK, what=f"setting {self.person(i)}'s project_creator")
            if creator:
                self.model.creators.add(i)
            else:
                self.model.creators.discard(i)

        @precondition(lambda self: self.model.generation)
        @rule(data=st.data())
        def delete_person(self, data: st.DataObject) -> None:
            i = data.draw(st.sampled_from(sorted(self.model.generation)))
            outcome = self.call(
                "PersonService.DeletePerson",
                person_service_pb2.DeletePersonRequest(name=self.person(i)),
            )
            self.expect(outcome, OK, what=f"deleting {self.person(i)}")
            del self.model.generation[i]
            self.model.creators.discard(i)
            for p, members in self.model.projects.items():
                members.pop(i, None)
                self.model.memberships.pop((p, i), None)

        @precondition(lambda self: self.model.generation)
        @rule(data=st.data())
        def mint_key(self, data: st.DataObject) -> None:
            i = data.draw(st.sampled_from(sorted(self.model.generation)))
            outcome = self.call(
                "ApiKeyService.CreateApiKey",
                api_key_service_pb2.CreateApiKeyRequest(
                    api_key=api_key_pb2.ApiKey(principal=self.person(i))
                ),
            )
            self.expect(outcome, OK, what=f"a key for {self.person(i)}")
            assert outcome.response is not None
            reply: api_key_service_pb2.CreateApiKeyResponse = outcome.response  # type: ignore[assignment]
            self.model.keys.append(
                Key(reply.secret, reply.api_key.name, i, self.model.generation[i])
            )
            # Every key's person also makes a feed of their own plan, so the feeds' invariant
            # meets many sequences without a rule of its own having to be drawn first.
            self.add_feed(self.model.keys[-1], None)

        @precondition(lambda self: any(not k.revoked for k in self.model.keys))
        @rule(data=st.data())
        def revoke_key(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from([k for k in self.model.keys if not k.revoked]))
            outcome = self.call(
                "ApiKeyService.RevokeApiKey", api_key_service_pb2.RevokeApiKeyRequest(name=key.name)
            )
            # A deleted person's keys may already be revoked or gone with them.
            self.expect(outcome, OK, Code.NOT_FOUND, Code.FAILED_PRECONDITION, what="revoking")
            key.revoked = True

        # -- calendar feeds ---------------------------------------------------------------

        @precondition(lambda self: any(self.model.alive(k) for k in self.model.keys))
        @rule(data=st.data(), p=st.none() | st.integers(0, PROJECTS - 1))
        def make_feed(self, data: st.DataObject, p: int | None) -> None:
            key = data.draw(st.sampled_from([k for k in self.model.keys if self.model.alive(k)]))
            self.add_feed(key, p)

        def add_feed(self, key: Key, p: int | None) -> None:
            outcome = self.call(
                "CalendarFeedService.CreateCalendarFeed",
                calendar_feed_service_pb2.CreateCalendarFeedRequest(
                    calendar_feed=calendar_feed_pb2.CalendarFeed(
                        subject=self.project(p) if p is not None else ""
                    )
                ),
                key=key.secret,
            )
            if p is not None and key.person not in self.model.projects.get(p, {}):
                self.expect(outcome, Code.PERMISSION_DENIED, what="a feed of a stranger's project")
                return
            self.expect(outcome, OK, what=f"a feed for {self.person(key.person)}")
            assert outcome.response is not None
            reply: calendar_feed_service_pb2.CreateCalendarFeedResponse = outcome.response  # type: ignore[assignment]
            self.model.feeds.append(
                Feed(reply.secret, reply.calendar_feed.name, key.person, key.generation, p)
            )

        @precondition(lambda self: any(not f.revoked for f in self.model.feeds))
        @rule(data=st.data())
        def revoke_feed(self, data: st.DataObject) -> None:
            feed = data.draw(st.sampled_from([f for f in self.model.feeds if not f.revoked]))
            outcome = self.call(
                "CalendarFeedService.RevokeCalendarFeed",
                calendar_feed_service_pb2.RevokeCalendarFeedRequest(name=feed.name),
            )
            # A deleted person's or project's feeds went with them.
            self.expect(outcome, OK, Code.NOT_FOUND, what=f"revoking {feed.name}")
            feed.revoked = True

        # -- projects and members ---------------------------------------------------------

        @rule(p=st.integers(0, PROJECTS - 1), by=st.none() | st.integers(0, 50))
        def create_project(self, p: int, by: int | None) -> None:
            key = (
                self.model.keys[by % len(self.model.keys)]
                if by is not None and self.model.keys
                else None
            )
            outcome = self.call(
                "ProjectService.CreateProject",
                project_service_pb2.CreateProjectRequest(
                    project_id=self.project(p).split("/")[1],
                    project=project_pb2.Project(
                        display_name=f"Project {p}", time_zone="UTC", start_date=START
                    ),
                ),
                key=key.secret if key else None,
            )
            if key is not None and not self.model.alive(key):
                self.expect(outcome, Code.UNAUTHENTICATED, what="a dead key creating a project")
            elif key is not None and key.person not in self.model.creators:
                self.expect(
                    outcome, Code.PERMISSION_DENIED, what="creating a project without the right"
                )
            elif p in self.model.projects or p in self.model.retired:
                self.expect(
                    outcome, Code.ALREADY_EXISTS, what="re-creating a live or deleted project id"
                )
            else:
                self.expect(outcome, OK, what=f"creating {self.project(p)}")
                # Its creator manages it: a person, or the admin key's own principal (never
                # one of the machine's people, so never the last manager of theirs).
                self.model.projects[p] = {key.person if key else ADMIN: {"manager"}}

        @precondition(lambda self: self.model.projects)
        @rule(data=st.data())
        def delete_project(self, data: st.DataObject) -> None:
            p = data.draw(st.sampled_from(sorted(self.model.projects)))
            outcome = self.call(
                "ProjectService.DeleteProject",
                project_service_pb2.DeleteProjectRequest(name=self.project(p), force=True),
            )
            self.expect(outcome, OK, what=f"deleting {self.project(p)}")
            members = self.model.projects.pop(p)
            for i in members:
                self.model.memberships.pop((p, i), None)
            self.model.retired.add(p)

        @precondition(lambda self: self.model.projects and self.model.generation)
        @rule(data=st.data(), role=st.sampled_from(sorted(ROLES)))
        def add_member(self, data: st.DataObject, role: str) -> None:
            p = data.draw(st.sampled_from(sorted(self.model.projects)))
            i = data.draw(st.sampled_from(sorted(self.model.generation)))
            outcome = self.call(
                "ProjectService.CreateMembership",
                project_service_pb2.CreateMembershipRequest(
                    parent=self.project(p),
                    membership=project_pb2.Membership(member=self.person(i), roles=[ROLES[role]]),
                ),
            )
            if i in self.model.projects[p]:
                self.expect(outcome, Code.ALREADY_EXISTS, what="adding a member twice")
                return
            self.expect(outcome, OK, what=f"adding {self.person(i)} to {self.project(p)}")
            assert outcome.response is not None
            reply: project_service_pb2.CreateMembershipResponse = outcome.response  # type: ignore[assignment]
            self.model.projects[p][i] = {role}
            self.model.memberships[(p, i)] = reply.membership.name

        @precondition(lambda self: self.model.memberships)
        @rule(data=st.data())
        def remove_member(self, data: st.DataObject) -> None:
            p, i = data.draw(st.sampled_from(sorted(self.model.memberships)))
            name = self.model.memberships[(p, i)]
            outcome = self.call(
                "ProjectService.DeleteMembership",
                project_service_pb2.DeleteMembershipRequest(name=name),
            )
            if self.model.last_manager(p, i):
                self.expect(outcome, Code.FAILED_PRECONDITION, what="removing the last manager")
                return
            self.expect(outcome, OK, what=f"removing {name}")
            del self.model.memberships[(p, i)]
            del self.model.projects[p][i]

        @precondition(lambda self: self.model.memberships)
        @rule(data=st.data(), role=st.sampled_from(sorted(ROLES)))
        def change_role(self, data: st.DataObject, role: str) -> None:
            p, i = data.draw(st.sampled_from(sorted(self.model.memberships)))
            name = self.model.memberships[(p, i)]
            outcome = self.call(
                "ProjectService.UpdateMembership",
                project_service_pb2.UpdateMembershipRequest(
                    membership=project_pb2.Membership(name=name, roles=[ROLES[role]]),
                    update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
                ),
            )
            if self.model.last_manager(p, i) and role != "manager":
                self.expect(outcome, Code.FAILED_PRECONDITION, what="demoting the last manager")
                return
            self.expect(outcome, OK, what=f"making {name} a {role}")
            self.model.projects[p][i] = {role}

        # -- what every key sees, after every step ----------------------------------------

        @invariant()
        def each_key_sees_what_the_rules_say(self) -> None:
            for key in self.model.keys[-4:]:
                for p in range(PROJECTS):
                    self.check_project(key, p)
                for i in range(PEOPLE):
                    self.check_person(key, i)

        @invariant()
        def each_feed_reads_while_the_rules_say(self) -> None:
            for feed in self.model.feeds[-4:]:
                got = self.call(
                    "CalendarFeedService.ReadCalendarFeed",
                    calendar_feed_service_pb2.ReadCalendarFeedRequest(),
                    key=feed.secret,
                )
                what = f"{feed.name} of {self.person(feed.person)} for project {feed.project}"
                if self.model.reads(feed):
                    self.expect(got, OK, what=what)
                else:
                    self.expect(got, Code.UNAUTHENTICATED, Code.NOT_FOUND, what=what)

        def check_project(self, key: Key, p: int) -> None:
            got = self.call(
                "ProjectService.GetProject",
                project_service_pb2.GetProjectRequest(name=self.project(p)),
                key=key.secret,
            )
            audit = self.call(
                "AuditService.ListAuditEntries",
                audit_service_pb2.ListAuditEntriesRequest(project=self.project(p)),
                key=key.secret,
            )
            what = f"{key.name} ({'alive' if self.model.alive(key) else 'dead'}) reading {self.project(p)}"
            if not self.model.alive(key):
                self.expect(got, Code.UNAUTHENTICATED, what=what)
                self.expect(audit, Code.UNAUTHENTICATED, what=what + "'s audit")
            elif key.person in self.model.projects.get(p, {}):
                self.expect(got, OK, what=what)
            else:
                self.expect(got, *HIDDEN, what=what)
                self.expect(audit, *HIDDEN, what=what + "'s audit")

        def check_person(self, key: Key, i: int) -> None:
            got = self.call(
                "PersonService.GetPerson",
                person_service_pb2.GetPersonRequest(name=self.person(i)),
                key=key.secret,
            )
            what = f"{key.name} reading {self.person(i)}"
            if not self.model.alive(key):
                self.expect(got, Code.UNAUTHENTICATED, what=what)
                return
            me = key.person
            if i not in self.model.generation or not (i == me or self.model.shares_project(me, i)):
                self.expect(got, *HIDDEN, what=what)
                return
            self.expect(got, OK, what=what)
            assert got.response is not None
            person: person_pb2.Person = got.response.person  # type: ignore[attr-defined]
            private = i == me or self.model.manages_with(me, i)
            if not private:
                assert person.cost_rate == 0, f"{what}: a non-manager sees the cost rate"
                assert all(not t.reason for t in person.time_off), (
                    f"{what}: a non-manager sees why they are off"
                )

    return Sequences


def test_sequences_of_calls_keep_the_access_rules(running: Running) -> None:
    sequences = machine_for(running.stack)
    sequences.TestCase.settings = settings(
        max_examples=int(os.environ.get("PLANOPS_SEQUENCE_EXAMPLES", "20")),
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    sequences.TestCase().runTest()
