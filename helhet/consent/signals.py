"""Sent when staff change the consent register on the person's behalf.

Registering or withdrawing a consent for the person is a privileged act
(docs/consent.md): the portal listens, tells the person (Min side and an e-mail
without details) and lists the act for the leader. Sent inside the
transaction that made the change, so the notice is made with it or not at all.

Keyword arguments: ``kind`` ("gitt" or "trukket", ``ConsentEvent.Kind``),
``consent``, ``actor`` (the employee), ``log_entry`` (the flagged row in the
access log) and ``link`` (the address of Min side, for the e-mail).
"""

from django.dispatch import Signal

staff_act = Signal()
