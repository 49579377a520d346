"""A draw locks its task's row and nothing else: a task opened meanwhile in the same plan and
department commits at once (its foreign keys to them are checked at commit), rather than waiting
for the draw while holding the audit chain's lock the draw needs next, a deadlock."""

import threading

import pytest
from django.db import connections, transaction

from inspections.planning.access import lock_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_task_opened_while_another_is_locked_is_not_held_up(open_draft_task):
    first = open_draft_task()
    locked, release = threading.Event(), threading.Event()

    def hold_the_first_task():
        try:
            with transaction.atomic():
                lock_task(first)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_first_task)
    holder.start()
    try:
        assert locked.wait(30)
        opened = threading.Event()

        def open_second():
            try:
                open_draft_task(name="同一计划的另一项任务")
                opened.set()
            finally:
                connections.close_all()

        opener = threading.Thread(target=open_second)
        opener.start()
        assert opened.wait(20), "opening a task waited for another task's lock"
        opener.join()
    finally:
        release.set()
        holder.join()
