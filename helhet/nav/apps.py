from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavConfig(AppConfig):
    name = "helhet.nav"
    label = "nav"
    verbose_name = _("NAV etter vedtaket")

    def ready(self) -> None:
        from helhet.access import gate
        from helhet.access.registry import register_person_kwarg
        from helhet.nav import access

        gate.register_relation(
            basis=access.RELATION,
            label=_("Oppfølging i NAV-kontoret ditt"),
            holds=access.holds_case,
            person_ids=access.person_ids,
        )
        samples = "helhet.nav.samples"
        for name in ("condition_id", "programme_id", "case_id", "noncompliance_id"):
            register_person_kwarg(
                name,
                getattr(access, f"person_id_for_{name[:-3]}"),
                f"{samples}:{name[:-3]}",
                namespace="nav",
            )
        # The same records read through the REST API (helhet.nav.api).
        for name in ("condition_id", "programme_id", "case_id"):
            register_person_kwarg(
                name,
                getattr(access, f"person_id_for_{name[:-3]}"),
                f"{samples}:{name[:-3]}",
                namespace="api",
            )
