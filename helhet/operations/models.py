"""What ``helhet bench`` needs to remember between runs (docs/performance.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BenchDataset(models.Model):
    """Which demo municipality the bench generated in this database: with
    ``helhet bench --keep`` a later run with the same ``--persons`` and ``--seed``
    measures it again instead of spending up to half an hour generating it anew.

    Deliberately no foreign key: the row is the bench's note about the database,
    not municipality data, so exports and backups of a municipality never carry it.
    ``municipality_id`` still ties it to one demo municipality — a demo replaced by
    other means (``helhet demo --reset`` empties this table too) is not reused.
    """

    municipality_id = models.BigIntegerField(_("kommune-id"))
    persons = models.PositiveIntegerField(_("antall personer"))
    seed = models.BigIntegerField(_("frø"))
    # The demo is generated relative to the day it is made (plan dates, deadlines).
    generated_on = models.DateField(_("laget dato"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    class Meta:
        verbose_name = _("demodata for ytelsesmåling")
        verbose_name_plural = _("demodata for ytelsesmålinger")

    def __str__(self) -> str:
        return f"{self.persons} personer, frø {self.seed}"
