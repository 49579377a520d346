"""The second step: annual plans and sampling tasks, a task's scope and its exclusions."""
