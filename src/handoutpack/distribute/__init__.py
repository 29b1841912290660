"""Packs to people: personal packs, letters, the outbox, SMTP and the sent-log."""
