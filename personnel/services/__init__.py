"""Writes on officers, certificates, exams, training, experts and conflicts of interest.

Each service checks that the actor manages the department (a department administrator of that
department; `actor=None` is the system itself: demo data, imports run from the command line),
validates, saves, and appends one audit event last. Audit details name officers by pk and name,
never by citizen ID number or phone.
"""

from personnel.services.certificates import (
    issue_certificate,
    renew_certificate,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from personnel.services.conflicts import (
    decide_recusal_request,
    declare_conflict,
    file_recusal_request,
)
from personnel.services.entrustments import record_entrusted_organisation
from personnel.services.officers import (
    OFFICER_EDITABLE_FIELDS,
    create_expert,
    create_officer,
    record_exam,
    record_training,
    update_officer,
    update_training_policy,
)

__all__ = [
    "OFFICER_EDITABLE_FIELDS",
    "create_expert",
    "create_officer",
    "decide_recusal_request",
    "declare_conflict",
    "file_recusal_request",
    "issue_certificate",
    "record_entrusted_organisation",
    "record_exam",
    "record_training",
    "renew_certificate",
    "restore_certificate",
    "revoke_certificate",
    "suspend_certificate",
    "update_officer",
    "update_training_policy",
]
