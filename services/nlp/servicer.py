"""planops.nlp.v1.NlpService: proto in, core and the extractor, proto out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import date
from functools import partial

import grpc
from planops.core.v1 import (
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_service_pb2,
)
from planops.nlp.v1 import nlp_service_pb2, nlp_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import metrics, names
from services.common.auth import current_principal
from services.common.core_client import CoreClient, translate
from services.common.db import Connection, connection, transaction
from services.common.errors import (
    DeadlineExceeded,
    FieldViolation,
    Internal,
    InvalidArgument,
    NotFound,
    Unavailable,
    violations_of,
)
from services.common.server import Context
from services.common.workcal import WorkingCalendar
from services.nlp import convert, store
from services.nlp.notes import MAX_OPEN_TASKS, NotesRequest, validate_notes
from services.nlp.workers import ExtractionFailed, Read, Reader, Refused, WorkerLost

EXTRACTORS = ("manager", "executor", "reviewer")
EDITORS = ("manager", "executor")
MEMBERS = ("manager", "executor", "reviewer", "viewer")
MAX_TEXT = 100_000
MAX_PEOPLE = 500
LANGUAGES = {"": "auto", "auto": "auto", "en": "en", "zh": "zh"}
CLOSED = {project_pb2.STATE_CATEGORY_DONE, project_pb2.STATE_CATEGORY_CANCELLED}
# Kept back from the caller's deadline so that a slow extraction still gets a clean answer.
DEADLINE_MARGIN = 0.25
FIRST_YEAR, LAST_YEAR = 1900, 2200


class NlpServicer(nlp_service_pb2_grpc.NlpServiceServicer):
    def __init__(
        self,
        *,
        pool: AsyncConnectionPool[Connection],
        core: CoreClient,
        reader: Reader,
        extract_seconds: float,
    ) -> None:
        self.pool = pool
        self.core = core
        self.reader = reader
        self.extract_seconds = extract_seconds

    async def ExtractActionItems(
        self, request: nlp_service_pb2.ExtractActionItemsRequest, context: Context
    ) -> nlp_service_pb2.ExtractActionItemsResponse:
        project, meeting = check_extract(request)
        principal = current_principal()
        await self.core.require_role(principal, project, EXTRACTORS)
        async with connection(self.pool) as conn:
            earlier = await store.notes_by_request(conn, project, request_id=request.request_id)
        if earlier is not None:
            return nlp_service_pb2.ExtractActionItemsResponse(notes=convert.notes(earlier))
        people, (open_tasks, calendar) = await asyncio.gather(
            self._people(project, context), self._open_tasks(project, context)
        )
        directory = convert.Directory.of(people)
        notes_request = NotesRequest(
            text=request.text,
            meeting_date=meeting,
            lang=LANGUAGES[request.language],
            participants=directory.participants,
            open_tasks=tuple(t.title for t in open_tasks),
            calendar=calendar,
        )
        read = await self._extract(notes_request, context)
        record = convert.notes_record(
            read.extraction,
            project=project,
            text=request.text,
            meeting_date=meeting,
            creator=principal.principal,
            directory=directory,
            open_tasks=open_tasks,
            pipeline=read.pipeline,
        )
        async with transaction(self.pool) as conn:
            stored = await store.insert_notes(conn, record, request_id=request.request_id)
        return nlp_service_pb2.ExtractActionItemsResponse(notes=convert.notes(stored))

    async def GetNotes(
        self, request: nlp_service_pb2.GetNotesRequest, context: Context
    ) -> nlp_service_pb2.GetNotesResponse:
        project, notes_id = names.child_id(request.name, collection="notes")
        await self.core.require_role(current_principal(), project, MEMBERS)
        async with connection(self.pool) as conn:
            found = await store.get_notes(conn, project, notes_id=notes_id)
        if found is None:
            raise NotFound(f"{request.name} does not exist", reason="NOTES_NOT_FOUND")
        return nlp_service_pb2.GetNotesResponse(notes=convert.notes(found))

    async def AcceptActionItems(
        self, request: nlp_service_pb2.AcceptActionItemsRequest, context: Context
    ) -> nlp_service_pb2.AcceptActionItemsResponse:
        project, notes_id = names.child_id(request.name, collection="notes")
        problems = convert.check_accepted(request.items)
        if problems:
            raise InvalidArgument.of(problems)
        principal = current_principal()
        await self.core.require_role(principal, project, EDITORS)
        # The notes row stays locked until the tasks are recorded, so two overlapping accepts
        # of the same notes cannot both create a task for one item.
        async with transaction(self.pool) as conn:
            record = await store.get_notes(conn, project, notes_id=notes_id, lock=True)
            if record is None:
                raise NotFound(f"{request.name} does not exist", reason="NOTES_NOT_FOUND")
            items = {item.id: item for item in record.items}
            unknown = [
                FieldViolation(f"items[{i}].id", f"{record.name} has no item {edit.id}")
                for i, edit in enumerate(request.items)
                if edit.id not in items
            ]
            if unknown:
                raise InvalidArgument.of(unknown)
            fresh = [(i, edit) for i, edit in enumerate(request.items) if not items[edit.id].task]
            if fresh:
                created = await self._create_tasks(
                    record, items, fresh, principal.principal, context
                )
                await store.record_tasks(
                    conn, notes_id, tasks=created, accepted_by=principal.principal
                )
            record = await store.get_notes(conn, project, notes_id=notes_id)
        assert record is not None
        tasks = {item.id: item.task for item in record.items}
        return nlp_service_pb2.AcceptActionItemsResponse(
            notes=convert.notes(record), tasks=[tasks[edit.id] for edit in request.items]
        )

    async def _create_tasks(
        self,
        record: store.NotesRecord,
        items: dict[str, store.ItemRecord],
        fresh: Sequence[tuple[int, nlp_service_pb2.AcceptedItem]],
        on_behalf_of: str,
        context: Context,
    ) -> dict[str, str]:
        """One BatchCreateTasks for the new items: {item id: task name}."""
        batch = task_service_pb2.BatchCreateTasksRequest(
            parent=f"projects/{record.project}",
            requests=[convert.task_request(record, items[edit.id], edit) for _, edit in fresh],
            request_id=convert.accept_request_id(record.name, [edit.id for _, edit in fresh]),
        )
        try:
            reply = await self.core.tasks.BatchCreateTasks(
                batch,
                metadata=self.core.metadata(on_behalf_of=on_behalf_of, reference=record.name),
                timeout=self._timeout(context),
            )
        except grpc.RpcError as error:
            raise core_refusal(error, fresh, what="creating the tasks in core") from error
        return {edit.id: task.name for (_, edit), task in zip(fresh, reply.tasks, strict=True)}

    async def _extract(self, request: NotesRequest, context: Context) -> Read:
        """The notes read in a worker process, killed at the deadline (see workers.py)."""
        remaining = context.time_remaining()
        budget = self.extract_seconds
        if remaining is not None:
            budget = min(max(remaining - DEADLINE_MARGIN, 0.01), budget)
        started = time.monotonic()
        try:
            read = await self.reader.read(request, seconds=budget)
        except TimeoutError:
            raise DeadlineExceeded(
                f"the notes could not be read in {budget:.1f} s (the call's deadline, or the"
                " service's limit without one); allow more time or send shorter notes",
                reason="EXTRACTION_DEADLINE",
            ) from None
        except WorkerLost as lost:
            # Often memory pressure, so another try may pass; notes that stop a worker
            # every time are worth reporting, and each try costs one worker, not the service.
            raise Unavailable(
                f"the process reading these notes stopped ({lost}) and was replaced; try again",
                reason="EXTRACTION_WORKER_LOST",
                retry_after_seconds=1.0,
            ) from None
        except ExtractionFailed:
            raise Internal(
                "reading the notes failed; the service's log has the details",
                reason="EXTRACTION_FAILED",
            ) from None
        except Refused as refused:  # the request checks missed something the extractor saw
            raise InvalidArgument(str(refused), reason="INVALID_NOTES") from None
        metrics.NLP_SECONDS.labels(read.extraction.language or "unknown").observe(
            time.monotonic() - started
        )
        return read

    def _timeout(self, context: Context) -> float:
        remaining = context.time_remaining()
        if remaining is None:
            return self.core.timeout
        return max(min(remaining - DEADLINE_MARGIN, self.core.timeout), 0.01)

    async def _people(self, project: str, context: Context) -> list[person_pb2.Person]:
        people: list[person_pb2.Person] = []
        token = ""
        try:
            while len(people) < MAX_PEOPLE:
                page = await self.core.people.ListPeople(
                    person_service_pb2.ListPeopleRequest(
                        project=f"projects/{project}", page_size=500, page_token=token
                    ),
                    metadata=self.core.metadata(),
                    timeout=self._timeout(context),
                )
                people += page.people
                token = page.next_page_token
                if not token:
                    break
        except grpc.RpcError as error:
            raise translate(error, what=f"reading the people of projects/{project}") from error
        return people[:MAX_PEOPLE]

    async def _open_tasks(
        self, project: str, context: Context
    ) -> tuple[list[convert.OpenTask], WorkingCalendar]:
        """Tasks not done or cancelled, by the project's own workflow, and the project's
        working calendar (read with the workflow, for due dates such as 节后)."""
        found: list[convert.OpenTask] = []
        token = ""
        try:
            reply = await self.core.projects.GetProject(
                project_service_pb2.GetProjectRequest(name=f"projects/{project}"),
                metadata=self.core.metadata(),
                timeout=self._timeout(context),
            )
            closed = {s.id for s in reply.project.workflow.states if s.category in CLOSED}
            calendar = convert.working_calendar(reply.project.calendar)
            while len(found) < MAX_OPEN_TASKS:
                page = await self.core.tasks.ListTasks(
                    task_service_pb2.ListTasksRequest(
                        parent=f"projects/{project}", page_size=500, page_token=token
                    ),
                    metadata=self.core.metadata(),
                    timeout=self._timeout(context),
                )
                found += [
                    convert.OpenTask(t.name, t.title) for t in page.tasks if t.state not in closed
                ]
                token = page.next_page_token
                if not token:
                    break
        except grpc.RpcError as error:
            raise translate(error, what=f"reading the tasks of projects/{project}") from error
        return found[:MAX_OPEN_TASKS], calendar


def check_extract(request: nlp_service_pb2.ExtractActionItemsRequest) -> tuple[str, date]:
    """The project id and meeting day, or every bad field at once."""
    problems: list[FieldViolation] = []
    problems += names.problems(partial(names.project_id, field="project"), request.project)
    project = request.project.removeprefix("projects/")
    if len(request.text) > MAX_TEXT:
        problems.append(FieldViolation("text", f"must be at most {MAX_TEXT:,} characters"))
    else:
        problems += [FieldViolation(v.field, v.description) for v in validate_notes(request.text)]
    meeting = convert.day(request.meeting_date)
    if meeting is None:
        problems.append(FieldViolation("meeting_date", "must be a date, YYYY-MM-DD"))
    elif not FIRST_YEAR <= meeting.year <= LAST_YEAR:
        # Core's range for due dates; resolving "by Friday" near year 9999 overflowed.
        problems.append(
            FieldViolation("meeting_date", f"must be between {FIRST_YEAR} and {LAST_YEAR}")
        )
        meeting = None
    if request.language not in LANGUAGES:
        problems.append(FieldViolation("language", "must be en, zh, or empty to detect"))
    if len(request.request_id) > 128:
        problems.append(FieldViolation("request_id", "must be at most 128 characters"))
    if problems or meeting is None:
        raise InvalidArgument.of(problems)
    return project, meeting


def core_refusal(
    error: grpc.RpcError,
    fresh: Sequence[tuple[int, nlp_service_pb2.AcceptedItem]],
    *,
    what: str,
) -> Exception:
    """Core's field violations on `requests[k].task.x` named as this request's `items[i].x`."""
    violations = violations_of(error) if isinstance(error, grpc.aio.AioRpcError) else []
    if not violations:
        return translate(error, what=what)
    fields = {"title": "description", "assignee": "owner", "due_date": "due_date"}
    renamed = []
    for v in violations:
        prefix, _, rest = v.field.partition("].task.")
        if prefix.startswith("requests[") and rest:
            k = int(prefix.removeprefix("requests["))
            i = fresh[k][0] if k < len(fresh) else k
            field = fields.get(rest, rest)
            renamed.append(FieldViolation(f"items[{i}].{field}", v.description))
        else:
            renamed.append(v)
    return InvalidArgument.of(renamed)
