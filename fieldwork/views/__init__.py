"""The fieldwork pages: the inspector's (phone first), the results' review, a task's inspections."""
