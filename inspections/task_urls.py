"""/tasks/: a sampling task's pages (namespace "tasks"), mounted from backend/urls.py.

Two steps serve them: planning (the list, the task page, its edits, invitations and steps) and
draws (announce and perform, draw jobs, replacements, the notices). Neither may import the other
both ways, so the app's wiring, above the three steps, puts them under one namespace here. The
draws' addresses come first: planning's last pattern, a task's step (`<pk>/<slug:step>/`), would
take `<pk>/notices/` and `<pk>/replacements/`.
"""

from inspections.draws.urls import task_patterns as draws
from inspections.planning.task_urls import task_patterns as planning

app_name = "tasks"

urlpatterns = [*draws, *planning]
