"""Writes of the fieldwork app: every one a service, each leaving one audit event."""
